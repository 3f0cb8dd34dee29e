"""`/feeds` end to end: the real bot against the loopback fake Discord, feeds served from a loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.settings import Settings
from db.models import FeedRow
from tests.conftest import FrozenClock
from tests.db.test_feeds_loopback import Item, LoopbackFeeds
from tests.e2e.conftest import DiscordEnv
from tests.fakediscord import CommandHidden


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        discord_token="test-token",
        database_url=db_url,
        fetch_allow_hosts=frozenset({"127.0.0.1"}),
        feed_poll_tick_s=0.05,
        digest_tick_s=0.05,
    )


@pytest.fixture
async def server(clock: FrozenClock) -> AsyncIterator[LoopbackFeeds]:
    async with LoopbackFeeds() as s:
        s.items["daily"] = [
            Item(f"Story {i}", f"https://news.example/{i}", clock.now - timedelta(hours=i + 1), guid=f"s{i}")
            for i in range(7)
        ]
        yield s


async def test_feeds_add_then_list_shows_status_and_count(
    discord_env: DiscordEnv, server: LoopbackFeeds
) -> None:
    guild = discord_env.world.guilds[0]
    added = await discord_env.fake.slash(
        "feeds add", {"url": server.feed_url("daily"), "name": "The *Daily*"}, member=guild.admin
    )
    assert added.is_ephemeral
    assert "Added feed #1 The \\*Daily\\*" in added.content
    assert "7 headlines stored" in added.content
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    description = listed.embeds[0]["description"]
    assert "#1 The \\*Daily\\*** — OK" in description
    assert "7 headlines stored" in description
    assert "every 30 min" in description


async def test_feeds_add_with_interval(discord_env: DiscordEnv, server: LoopbackFeeds) -> None:
    guild = discord_env.world.guilds[0]
    added = await discord_env.fake.slash(
        "feeds add", {"url": server.feed_url("daily"), "interval": 120}, member=guild.admin
    )
    assert "every 120 minutes" in added.content
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def test_feeds_failing_feed_shows_plain_error(discord_env: DiscordEnv, server: LoopbackFeeds) -> None:
    guild = discord_env.world.guilds[0]
    added = await discord_env.fake.slash("feeds add", {"url": server.url("status/503")}, member=guild.admin)
    assert "The first fetch failed: The site answered with error 503." in added.content
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    description = listed.embeds[0]["description"]
    assert "— failing" in description
    assert "1 failure in a row: The site answered with error 503." in description


async def test_feeds_add_private_address_is_refused(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("feeds add", {"url": "http://192.168.1.1/rss"}, member=guild.admin)
    assert result.is_ephemeral
    assert "private network" in result.content
    assert await discord_env.services.feeds.list_feeds(guild.id) == []


async def test_feeds_add_twice_says_already_added(discord_env: DiscordEnv, server: LoopbackFeeds) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.fake.slash("feeds add", {"url": server.feed_url("daily")}, member=guild.admin)
    again = await discord_env.fake.slash("feeds add", {"url": server.feed_url("daily")}, member=guild.admin)
    assert "already in this server's list" in again.content


async def test_feeds_remove_with_autocomplete(discord_env: DiscordEnv, server: LoopbackFeeds) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.fake.slash(
        "feeds add", {"url": server.feed_url("daily"), "name": "Daily"}, member=guild.admin
    )
    choices = await discord_env.fake.autocomplete("feeds remove", {"feed": "dai"}, member=guild.admin)
    assert [(c["name"], c["value"]) for c in choices.choices] == [("#1 Daily", 1)]
    other = await discord_env.fake.autocomplete(
        "feeds remove",
        {"feed": ""},
        member=discord_env.world.guilds[1].admin,
        guild=discord_env.world.guilds[1],
    )
    assert other.choices == []
    removed = await discord_env.fake.slash("feeds remove", {"feed": 1}, member=guild.admin)
    assert removed.content == "Removed feed #1 Daily."
    missing = await discord_env.fake.slash("feeds remove", {"feed": 1}, member=guild.admin)
    assert "No feed #1 in this server" in missing.content


async def test_feeds_test_shows_newest_five_without_adding(
    discord_env: DiscordEnv, server: LoopbackFeeds
) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("feeds test", {"url": server.feed_url("daily")}, member=guild.admin)
    embed = result.embeds[0]
    assert embed["description"].startswith("7 headlines found")
    assert [f["name"] for f in embed["fields"]] == [f"Story {i}" for i in range(5)]
    assert await discord_env.services.feeds.list_feeds(guild.id) == []


async def test_feeds_test_failure_is_one_sentence(discord_env: DiscordEnv, server: LoopbackFeeds) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("feeds test", {"url": server.url("status/404")}, member=guild.admin)
    assert result.is_ephemeral
    assert result.content == "The site answered with error 404. Check the address or try again later."


async def test_feeds_hidden_from_members_without_manage_server(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    with pytest.raises(CommandHidden):
        await discord_env.fake.slash("feeds list", member=guild.member)


async def test_feeds_runtime_check_refuses_when_made_visible(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    command = next(c for scoped in discord_env.fake.commands.values() for c in scoped if c["name"] == "feeds")
    command["default_member_permissions"] = None
    result = await discord_env.fake.slash("feeds list", member=guild.moderator)
    assert result.is_ephemeral
    assert "You need the Manage" in result.content


async def test_feeds_poll_loop_fetches_due_feeds(discord_env: DiscordEnv, server: LoopbackFeeds) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.fake.slash("feeds add", {"url": server.feed_url("daily")}, member=guild.admin)
    server.items["daily"].append(
        Item("Fresh story", "https://news.example/fresh", discord_env.clock.now, guid="f")
    )
    discord_env.clock.advance(minutes=31)

    async def count() -> int:
        return (await discord_env.services.feeds.list_feeds(guild.id))[0].headline_count

    seen: list[int] = []

    def fetched_again() -> bool:
        return server.hits.get("daily", 0) >= 2

    await discord_env.fake.wait_until(
        fetched_again, timeout_s=5, what="the poll loop to fetch the feed again"
    )
    for _ in range(100):  # the poll records its outcome right after the fetch; each query yields to it
        seen.append(await count())
        if seen[-1] == 8:
            break
    assert seen[-1] == 8


async def _disable(env: DiscordEnv, feed_id: int) -> None:
    async with env.services.sessions.begin() as session:
        row = await session.get(FeedRow, feed_id)
        assert row is not None
        row.status = "disabled"
        row.consecutive_failures = 50
        row.last_error = "The site answered with error 503."
        row.next_fetch_at = None


async def test_feeds_enable_turns_disabled_feed_back_on_and_loop_fetches_it(
    discord_env: DiscordEnv, server: LoopbackFeeds
) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.fake.slash(
        "feeds add", {"url": server.feed_url("daily"), "name": "Daily"}, member=guild.admin
    )
    await _disable(discord_env, 1)
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    assert "— disabled" in listed.embeds[0]["description"]
    choices = await discord_env.fake.autocomplete("feeds enable", {"feed": "dai"}, member=guild.admin)
    assert [c["value"] for c in choices.choices] == [1]
    hits_before = server.hits["daily"]
    enabled = await discord_env.fake.slash("feeds enable", {"feed": 1}, member=guild.admin)
    assert enabled.is_ephemeral
    assert enabled.content == "Feed #1 Daily is on again; OnRecord fetches it at the next check."
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    assert "#1 Daily** — OK" in listed.embeds[0]["description"]
    await discord_env.fake.wait_until(
        lambda: server.hits["daily"] > hits_before, timeout_s=5, what="the poll loop to fetch the feed"
    )
    again = await discord_env.fake.slash("feeds enable", {"feed": 1}, member=guild.admin)
    assert again.content == "Feed #1 is already enabled and working; nothing to change."


async def test_feeds_edit_changes_interval_and_name(discord_env: DiscordEnv, server: LoopbackFeeds) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.fake.slash("feeds add", {"url": server.feed_url("daily")}, member=guild.admin)
    edited = await discord_env.fake.slash(
        "feeds edit", {"feed": 1, "interval": 240, "name": "@everyone *Gazette*"}, member=guild.admin
    )
    assert edited.is_ephemeral
    assert edited.content.startswith("Feed #1 ")
    assert edited.content.endswith("OnRecord checks it every 240 minutes.")
    assert "@everyone" not in edited.content
    assert "\\*Gazette\\*" in edited.content
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    assert "every 240 min" in listed.embeds[0]["description"]
    only_interval = await discord_env.fake.slash(
        "feeds edit", {"feed": 1, "interval": 15}, member=guild.admin
    )
    assert only_interval.content.endswith("every 15 minutes.")
    nothing = await discord_env.fake.slash("feeds edit", {"feed": 1}, member=guild.admin)
    assert nothing.content == "Give a new `interval` or `name` for the feed."
    missing = await discord_env.fake.slash("feeds edit", {"feed": 9, "interval": 60}, member=guild.admin)
    assert missing.content == "No feed #9 in this server. Try `/feeds list`."
    assert discord_env.fake.messages_without_allowed_mentions() == []
