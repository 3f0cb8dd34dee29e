"""`/digest` end to end, including a digest posted by the real loop, against the loopback fake Discord."""

from __future__ import annotations

import asyncio
import random
import string
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain import NewStatement
from bot.settings import Settings
from db.models import FeedRow, HeadlineRow
from tests.e2e.conftest import DiscordEnv
from tests.fakediscord import CommandHidden


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        discord_token="test-token", database_url=db_url, digest_tick_s=0.05, feed_poll_tick_s=0.05
    )


async def _seed_headlines(env: DiscordEnv, guild_id: int) -> None:
    now = env.clock.now
    async with env.services.sessions.begin() as session:
        feeds = []
        for name in ("Daily Bugle", "Morning @everyone Star"):
            feed = FeedRow(
                guild_id=guild_id,
                url=f"https://{len(feeds)}.example/rss",
                name=name,
                interval_min=30,
                added_by=1,
                created_at=now,
                next_fetch_at=now + timedelta(days=30),  # the poll loop must not go to the internet
            )
            session.add(feed)
            await session.flush()
            feeds.append(feed)
        titles = [
            "Minister promises to cut taxes for working families next year",
            "Minister promises tax cut for working families next year",
            "Council **approves** [budget](https://evil.example) <@123456789012345678>",
        ]
        for i, title in enumerate(titles):
            session.add(
                HeadlineRow(
                    guild_id=guild_id,
                    feed_id=feeds[i % 2].id,
                    entry_key=f"k{i}",
                    title=title,
                    link=f"https://news.example/{i}",
                    published_at=now - timedelta(minutes=30 + i),
                    first_seen_at=now,
                )
            )


async def _setup(env: DiscordEnv, channel_name: str = "news", time: str = "08:00", **extra: object) -> None:
    guild = env.world.guilds[0]
    options: dict[str, object] = {
        "channel": guild.channel(channel_name),
        "time": time,
        "timezone": "Europe/Berlin",
    }
    options.update(extra)
    result = await env.fake.slash("digest setup", options, member=guild.admin)  # type: ignore[arg-type]
    assert "will be posted" in result.content, result.content


async def test_digest_setup_and_list(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    news = guild.channel("news")
    result = await discord_env.fake.slash(
        "digest setup",
        {
            "channel": news,
            "time": "7:30",
            "timezone": "Europe/Berlin",
            "max_items": 5,
            "sections": "headlines",
        },
        member=guild.admin,
    )
    assert result.is_ephemeral
    assert result.content == f"Digest #1 will be posted in <#{news.id}> every day at 07:30 (Europe/Berlin)."
    await _setup(discord_env, "general", "18:00")
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    fields = listed.embeds[0]["fields"]
    assert [f["name"] for f in fields] == ["#1 · 07:30 Europe/Berlin", "#2 · 18:00 Europe/Berlin"]
    assert f"<#{news.id}> · up to 5 headlines · headlines" in fields[0]["value"]
    assert "not posted yet" in fields[0]["value"]
    # Set up at 17:00 Berlin: 07:30 has passed today, so the first post is tomorrow 05:30 UTC.
    assert "<t:1720848600:F>" in fields[0]["value"]


async def test_digest_setup_bad_time_and_zone_are_one_sentence(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    bad_time = await discord_env.fake.slash(
        "digest setup",
        {"channel": guild.channel("news"), "time": "25:00", "timezone": "UTC"},
        member=guild.admin,
    )
    assert "is not a time of day" in bad_time.content
    bad_zone = await discord_env.fake.slash(
        "digest setup",
        {"channel": guild.channel("news"), "time": "08:00", "timezone": "Moon/Base"},
        member=guild.admin,
    )
    assert "is not a time zone" in bad_zone.content
    assert await discord_env.services.digests.list_subscriptions(guild.id) == []


async def test_digest_setup_timezone_autocomplete(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.autocomplete(
        "digest setup",
        {"channel": guild.channel("news"), "time": "08:00", "timezone": "Europe/Ber"},
        focused="timezone",
        member=guild.admin,
    )
    assert "Europe/Berlin" in [c["value"] for c in result.choices]


async def test_digest_preview_is_ephemeral_and_escaped(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _seed_headlines(discord_env, guild.id)
    await discord_env.services.statements.add(
        guild.id, NewStatement(text="We will cut taxes.", speaker="Jane Doe", said_on=None), actor_id=1
    )
    result = await discord_env.fake.slash("digest preview", member=guild.admin)
    assert result.is_ephemeral
    embeds = result.embeds
    assert embeds[0]["title"] == "Headlines — Friday, July 12, 2024"
    text = "\n".join(e.get("description", "") for e in embeds)
    assert "**Top headlines**" in text
    assert "Council \\*\\*approves\\*\\*" in text
    assert "](https://evil.example)" not in text
    assert "<@123456789012345678>" not in text
    assert "@everyone" not in text
    assert "**Jane Doe**" in text
    assert discord_env.fake.channel_messages(guild.channel("news").id) == []


async def test_digest_post_now_posts_in_channel_without_pings(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _seed_headlines(discord_env, guild.id)
    await _setup(discord_env)
    result = await discord_env.fake.slash("digest post-now", {"digest": 1}, member=guild.admin)
    news = guild.channel("news")
    assert result.content == f"Posted digest #1 in <#{news.id}> (1 message)."
    [message] = discord_env.fake.channel_messages(news.id)
    assert message["embeds"][0]["title"] == "Headlines — Friday, July 12, 2024"
    assert discord_env.fake.messages_without_allowed_mentions() == []
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    assert "posted on request (1 message)" in listed.embeds[0]["fields"][0]["value"]


async def test_digest_post_now_forbidden_channel_is_explained_and_listed(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _setup(discord_env)
    discord_env.fake.forbid_channel(guild.channel("news").id)
    result = await discord_env.fake.slash("digest post-now", {"digest": 1}, member=guild.admin)
    assert result.is_ephemeral
    assert (
        result.content == "The digest could not be posted: OnRecord is not allowed to post in that channel."
    )
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    assert "failed: OnRecord is not allowed to post in that channel" in listed.embeds[0]["fields"][0]["value"]


async def test_digest_pause_resume_remove_with_autocomplete(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _setup(discord_env)
    choices = await discord_env.fake.autocomplete("digest pause", {"digest": ""}, member=guild.admin)
    assert [(c["name"], c["value"]) for c in choices.choices] == [("#1 at 08:00 Europe/Berlin", 1)]
    paused = await discord_env.fake.slash("digest pause", {"digest": 1}, member=guild.admin)
    assert paused.content.startswith("Digest #1 is paused.")
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    assert "paused" in listed.embeds[0]["fields"][0]["value"]
    choices = await discord_env.fake.autocomplete("digest resume", {"digest": "1"}, member=guild.admin)
    assert choices.choices[0]["name"] == "#1 at 08:00 Europe/Berlin (paused)"
    resumed = await discord_env.fake.slash("digest resume", {"digest": 1}, member=guild.admin)
    assert resumed.content == "Digest #1 is running again."
    removed = await discord_env.fake.slash("digest remove", {"digest": 1}, member=guild.admin)
    assert removed.content == "Removed digest #1."
    again = await discord_env.fake.slash("digest remove", {"digest": 1}, member=guild.admin)
    assert "No digest #1 in this server" in again.content


async def test_digest_commands_hidden_from_plain_members(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    with pytest.raises(CommandHidden):
        await discord_env.fake.slash("digest list", member=guild.member)


async def test_digest_runtime_check_refuses_when_made_visible(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    command = next(
        c for scoped in discord_env.fake.commands.values() for c in scoped if c["name"] == "digest"
    )
    command["default_member_permissions"] = None
    result = await discord_env.fake.slash("digest list", member=guild.moderator)
    assert "You need the Manage" in result.content


async def test_digest_loop_posts_once_at_local_time(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _seed_headlines(discord_env, guild.id)
    await _setup(discord_env, time="17:30")  # the clock says 17:00 in Berlin
    news = guild.channel("news")
    discord_env.clock.advance(minutes=31)
    await discord_env.fake.wait_until(
        lambda: len(discord_env.fake.channel_messages(news.id)) >= 1,
        timeout_s=5,
        what="the digest loop to post",
    )
    [message] = discord_env.fake.channel_messages(news.id)
    assert message["embeds"][0]["title"] == "Headlines — Friday, July 12, 2024"
    assert "Digest #1 · 17:30 Europe/Berlin" in message["embeds"][-1]["footer"]["text"]
    await discord_env.fake.wait_until(
        lambda: _ticks(discord_env) >= 3, timeout_s=5, what="a few more ticks of the loop"
    )
    assert len(discord_env.fake.channel_messages(news.id)) == 1
    results = await _wait_for_results(discord_env, guild.id)
    assert results == ["posted 2024-07-12: 1 message"]


async def _wait_for_results(env: DiscordEnv, guild_id: int, timeout_s: float = 5.0) -> list[str | None]:
    """The subscriptions' last results once every one is recorded (the loop writes them after posting)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        views = await env.services.digests.list_subscriptions(guild_id)
        results = [v.subscription.last_result for v in views]
        if all(results) or asyncio.get_running_loop().time() > deadline:
            return results
        await asyncio.sleep(0.02)


def _ticks(env: DiscordEnv) -> int:
    cog = env.bot.get_cog("Digests")
    assert cog is not None
    loop = cog.tick  # type: ignore[attr-defined]
    return int(loop.current_loop)


async def test_digest_loop_records_missing_channel_and_carries_on(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _setup(discord_env, "general", time="17:30")
    await _setup(discord_env, "news", time="17:30")
    discord_env.fake.mark_channel_missing(guild.channel("general").id)
    discord_env.clock.advance(minutes=31)
    news = guild.channel("news")
    await discord_env.fake.wait_until(
        lambda: len(discord_env.fake.channel_messages(news.id)) >= 1, timeout_s=5, what="the second digest"
    )
    [message] = discord_env.fake.channel_messages(news.id)
    assert "No new headlines" in message["embeds"][0]["description"]
    results = await _wait_for_results(discord_env, guild.id)
    assert results[0] == "failed: the channel no longer exists"
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    assert "failed: the channel no longer exists" in listed.embeds[0]["fields"][0]["value"]


async def test_feed_disabled_notice_waits_for_digest_setup_then_loop_posts_it(
    discord_env: DiscordEnv,
) -> None:
    guild = discord_env.world.guilds[0]
    async with discord_env.services.sessions.begin() as session:
        session.add(
            FeedRow(
                guild_id=guild.id,
                url="https://dead.example/rss",
                name="Dead <@123456789012345678> Feed",
                status="disabled",
                consecutive_failures=48,
                disabled_notice_pending=True,
                last_error="The site answered with error 503.",
                interval_min=30,
                added_by=1,
                created_at=discord_env.clock.now,
            )
        )
    start = _ticks(discord_env)
    await discord_env.fake.wait_until(
        lambda: _ticks(discord_env) >= start + 3, timeout_s=5, what="a few ticks without a digest channel"
    )
    listed = await discord_env.fake.slash("feeds list", member=guild.admin)
    description = listed.embeds[0]["description"]
    assert "— disabled" in description
    assert "48 failures in a row: The site answered with error 503." in description
    assert "`/feeds enable feed:1`" in description
    news = guild.channel("news")
    assert discord_env.fake.channel_messages(news.id) == []
    await _setup(discord_env, "news", time="20:00")  # not due today: only the notice is posted
    await discord_env.fake.wait_until(
        lambda: len(discord_env.fake.channel_messages(news.id)) >= 1, timeout_s=5, what="the feed notice"
    )
    [message] = discord_env.fake.channel_messages(news.id)
    embed = message["embeds"][0]
    assert embed["title"] == "A feed was turned off"
    assert "failed for 24 hours in a row" in embed["description"]
    assert "<@123456789012345678>" not in embed["description"]
    assert "/feeds enable" in embed["description"]
    start = _ticks(discord_env)
    await discord_env.fake.wait_until(
        lambda: _ticks(discord_env) >= start + 3, timeout_s=5, what="more ticks"
    )
    assert len(discord_env.fake.channel_messages(news.id)) == 1
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def _seed(env: DiscordEnv, guild_id: int, items: list[tuple[str, str]]) -> None:
    """(title, outlet) pairs, one feed per outlet, published an hour or so before the clock."""
    now = env.clock.now
    async with env.services.sessions.begin() as session:
        feeds: dict[str, FeedRow] = {}
        for i, (title, outlet) in enumerate(items):
            if outlet not in feeds:
                feed = FeedRow(
                    guild_id=guild_id,
                    url=f"https://feed{len(feeds)}.example/rss",
                    name=outlet,
                    interval_min=30,
                    added_by=1,
                    created_at=now,
                    next_fetch_at=now + timedelta(days=30),  # the poll loop must not go to the internet
                )
                session.add(feed)
                await session.flush()
                feeds[outlet] = feed
            session.add(
                HeadlineRow(
                    guild_id=guild_id,
                    feed_id=feeds[outlet].id,
                    entry_key=f"e{i}",
                    title=title,
                    link=f"https://news.example/{i}",
                    published_at=now - timedelta(minutes=60 + i),
                    first_seen_at=now,
                )
            )


def _embed_chars(embed: dict[str, Any]) -> int:
    fields = embed.get("fields") or []
    return (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + len((embed.get("footer") or {}).get("text") or "")
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )


async def test_digest_list_after_loop_post_shows_last_result_and_tomorrows_time(
    discord_env: DiscordEnv,
) -> None:
    guild = discord_env.world.guilds[0]
    await _seed_headlines(discord_env, guild.id)
    await _setup(discord_env, time="17:30")
    before = await discord_env.fake.slash("digest list", member=guild.admin)
    today_slot = int(datetime(2024, 7, 12, 15, 30, tzinfo=UTC).timestamp())
    assert f"next <t:{today_slot}:F>" in before.embeds[0]["fields"][0]["value"]
    assert "last: not posted yet" in before.embeds[0]["fields"][0]["value"]
    discord_env.clock.advance(minutes=31)
    assert await _wait_for_results(discord_env, guild.id) == ["posted 2024-07-12: 1 message"]
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    value = listed.embeds[0]["fields"][0]["value"]
    tomorrow_slot = int(datetime(2024, 7, 13, 15, 30, tzinfo=UTC).timestamp())
    assert f"next <t:{tomorrow_slot}:F> (<t:{tomorrow_slot}:R>)" in value
    assert "last: posted 2024-07-12: 1 message" in value


@pytest.mark.parametrize("post_empty", [True, False])
async def test_digest_loop_empty_day_follows_setting(discord_env: DiscordEnv, post_empty: bool) -> None:
    guild = discord_env.world.guilds[0]
    await _setup(discord_env, time="17:30", post_empty=post_empty)
    news = guild.channel("news")
    discord_env.clock.advance(minutes=31)
    [result] = await _wait_for_results(discord_env, guild.id)
    messages = discord_env.fake.channel_messages(news.id)
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    if post_empty:
        assert result == "posted 2024-07-12: 1 message"
        [message] = messages
        [embed] = message["embeds"]
        assert embed["title"] == "Headlines — Friday, July 12, 2024"
        assert embed["description"] == "No new headlines or statements on record since the last digest."
    else:
        assert result == "nothing to post"
        assert messages == []
        assert "last: nothing to post" in listed.embeds[0]["fields"][0]["value"]


async def test_digest_sections_option_limits_what_is_posted(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _seed_headlines(discord_env, guild.id)
    await discord_env.services.statements.add(
        guild.id, NewStatement(text="We will cut taxes.", speaker="Jane Doe", said_on=None), actor_id=1
    )
    await _setup(discord_env, sections="statements, related")
    listed = await discord_env.fake.slash("digest list", member=guild.admin)
    assert "· statements, related" in listed.embeds[0]["fields"][0]["value"]
    await discord_env.fake.slash("digest post-now", {"digest": 1}, member=guild.admin)
    [message] = discord_env.fake.channel_messages(guild.channel("news").id)
    text = "\n".join(e.get("description", "") for e in message["embeds"])
    assert "**New on the record**" in text
    assert "**Jane Doe**" in text
    assert "Top headlines" not in text
    assert "Council" not in text
    bad = await discord_env.fake.slash(
        "digest setup",
        {"channel": guild.channel("news"), "time": "08:00", "timezone": "UTC", "sections": "weather"},
        member=guild.admin,
    )
    assert bad.content.startswith("`weather` is not a digest section")


async def test_digest_same_story_from_several_outlets_shows_once_with_more_sources(
    discord_env: DiscordEnv,
) -> None:
    guild = discord_env.world.guilds[0]
    await _seed(
        discord_env,
        guild.id,
        [
            ("Minister promises to cut taxes for working families next year", "The_Times"),
            ("Minister promises to cut taxes for working families next year", "Daily *Star*"),
            ("Minister promises tax cuts for working families next year", "The_Gazette"),
            ("Minister promises to cut taxes for working families next year!", "Herald"),
            ("Storm closes harbour <@&987654321098765432> for [two](https://evil.example) days", "Herald"),
        ],
    )
    await _setup(discord_env)
    await discord_env.fake.slash("digest post-now", {"digest": 1}, member=guild.admin)
    [message] = discord_env.fake.channel_messages(guild.channel("news").id)
    lines = message["embeds"][0]["description"].splitlines()
    stories = [line for line in lines if line.startswith("**")][1:]  # after the section heading
    assert len(stories) == 2
    assert stories[0].startswith("**1.** [Minister promises")
    assert "+2 sources · " in stories[0]
    assert " — Herald, The\\_Gazette +2 sources · " in stories[0]
    assert "Storm closes harbour" in stories[1]
    assert "<@&987654321098765432>" not in stories[1]
    assert "](https://evil.example)" not in stories[1]
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def test_digest_many_long_headlines_split_within_discord_limits(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 9)))

    items = [(" ".join(f"*{word()}_" for _ in range(40))[:480], f"Outlet_{i % 5}") for i in range(25)]
    await _seed(discord_env, guild.id, items)
    for i in range(30):
        await discord_env.services.statements.add(
            guild.id,
            NewStatement(
                text=f"Statement {i}: " + "a *long* _marked_ up sentence. " * 25,
                speaker=f"Speaker {i % 6}",
                said_on=None,
            ),
            actor_id=1,
        )
    await _setup(discord_env, max_items=25)
    result = await discord_env.fake.slash("digest post-now", {"digest": 1}, member=guild.admin)
    messages = discord_env.fake.channel_messages(guild.channel("news").id)
    assert len(messages) >= 2
    assert result.content.endswith(f"({len(messages)} messages).")
    for message in messages:
        embeds = message["embeds"]
        assert 1 <= len(embeds) <= 10
        assert sum(_embed_chars(e) for e in embeds) <= 6000
        assert all(len(e.get("description") or "") <= 4096 for e in embeds)
    text = "\n".join(e.get("description", "") for m in messages for e in m["embeds"])
    assert text.count("](https://news.example/") == 25
    assert "**25.** [" in text
    assert all(f"**Speaker {n}**" in text for n in range(6))
    assert "Statement 29:" in text
