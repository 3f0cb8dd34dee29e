"""SSRF rules through the real `/feeds` commands, against a loopback server serving the realistic corpus.

With the allow-list empty (the default) a loopback address is refused with the fetcher's plain-words message
and nothing is stored or fetched; with the host on ``ONRECORD_FETCH_ALLOW_HOSTS`` the same commands fetch a
real-world feed file end to end, and a redirect from the allowed host to another loopback name is refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.services.fetch import BlockedAddress
from bot.settings import Settings
from tests.conftest import FrozenClock
from tests.e2e.conftest import DiscordEnv
from tests.unit.feedserver import FeedServer

BBC = "realistic/news/bbc-news-world__1796df62.xml"
BLOCKED = BlockedAddress.default_user_message
ALLOW_LOOPBACK = pytest.mark.parametrize("allow_hosts", [frozenset({"127.0.0.1"})])


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 2, 18, 12, 0, tzinfo=UTC))  # the morning after the file was saved


@pytest.fixture
def allow_hosts() -> frozenset[str]:
    return frozenset()


@pytest.fixture
def settings(db_url: str, allow_hosts: frozenset[str]) -> Settings:
    return Settings(
        discord_token="test-token",
        database_url=db_url,
        fetch_allow_hosts=allow_hosts,
        feed_poll_tick_s=0.05,
        digest_tick_s=0.05,
    )


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as s:
        yield s


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "2130706433"])
async def test_feeds_add_loopback_without_allow_list_is_refused(
    discord_env: DiscordEnv, server: FeedServer, host: str
) -> None:
    guild = discord_env.world.guilds[0]
    url = server.url(f"feeds/{BBC}", host=host)
    result = await discord_env.fake.slash("feeds add", {"url": url}, member=guild.admin)
    assert result.is_ephemeral
    assert result.content == BLOCKED
    assert await discord_env.services.feeds.list_feeds(guild.id) == []
    assert server.requests == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_feeds_test_loopback_without_allow_list_is_refused(
    discord_env: DiscordEnv, server: FeedServer, host: str
) -> None:
    guild = discord_env.world.guilds[0]
    url = server.url(f"feeds/{BBC}", host=host)
    result = await discord_env.fake.slash("feeds test", {"url": url}, member=guild.admin)
    assert result.is_ephemeral
    assert result.content == BLOCKED
    assert result.embeds == []
    assert server.requests == []


async def test_feeds_add_metadata_address_is_refused(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash(
        "feeds add", {"url": "http://169.254.169.254/latest/meta-data/"}, member=guild.admin
    )
    assert result.content == BLOCKED


@ALLOW_LOOPBACK
async def test_feeds_test_allowed_loopback_shows_newest_five_of_real_feed(
    discord_env: DiscordEnv, server: FeedServer
) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash(
        "feeds test", {"url": server.url(f"feeds/{BBC}")}, member=guild.admin
    )
    assert result.is_ephemeral
    [embed] = result.embeds
    assert embed["title"] == "BBC News"
    assert embed["description"].startswith("33 headlines found")
    names = [f["name"] for f in embed["fields"]]
    assert len(names) == 5
    assert names[:3] == [
        "Rescuers search for 10 missing skiers after California avalanche",
        "Under pressure from Trump, Venezuela's new president has aces up her sleeve",
        "Climber on trial for leaving girlfriend to die on Austria's highest mountain",
    ]
    assert await discord_env.services.feeds.list_feeds(guild.id) == []


@ALLOW_LOOPBACK
async def test_feeds_add_allowed_loopback_stores_real_feed_and_digest_shows_it(
    discord_env: DiscordEnv, server: FeedServer
) -> None:
    guild = discord_env.world.guilds[0]
    added = await discord_env.fake.slash(
        "feeds add", {"url": server.url(f"feeds/{BBC}"), "name": "BBC World"}, member=guild.admin
    )
    assert added.content == (
        "Added feed #1 BBC World; OnRecord checks it every 30 minutes. 33 headlines stored so far."
    )
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    assert "#1 BBC World** — OK" in listed.embeds[0]["description"]
    assert "33 headlines stored" in listed.embeds[0]["description"]
    preview = await discord_env.fake.slash("digest preview", member=guild.admin)
    text = "\n".join(e.get("description", "") for e in preview.embeds)
    assert "Rescuers search for 10 missing skiers after California avalanche" in text
    assert "BBC World" in text


@ALLOW_LOOPBACK
async def test_feeds_test_redirect_to_other_loopback_name_is_refused(
    discord_env: DiscordEnv, server: FeedServer
) -> None:
    guild = discord_env.world.guilds[0]
    target = server.url(f"feeds/{BBC}", host="localhost")
    url = server.url("redirect-to") + f"?url={target}"
    result = await discord_env.fake.slash("feeds test", {"url": url}, member=guild.admin)
    assert result.content == BLOCKED
    assert [r.path for r in server.requests] == ["/redirect-to"]


@ALLOW_LOOPBACK
async def test_feeds_add_redirect_to_private_address_records_plain_failure(
    discord_env: DiscordEnv, server: FeedServer
) -> None:
    guild = discord_env.world.guilds[0]
    url = server.url("redirect-to") + "?url=http://10.0.0.7/rss"
    added = await discord_env.fake.slash("feeds add", {"url": url}, member=guild.admin)
    assert added.content.endswith(f"The first fetch failed: {BLOCKED} OnRecord will keep trying.")
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    assert f"1 failure in a row: {BLOCKED}" in listed.embeds[0]["description"]
