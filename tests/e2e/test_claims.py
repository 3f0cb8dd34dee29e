"""End-to-end: `/claim check`, `/claim recent`, the "Check against the record" menu and the share button."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain import NewStatement, Statement
from tests.e2e.conftest import DiscordEnv
from tests.fakediscord import InteractionResult
from tests.fakediscord.world import Guild

MENU = "Check against the record"
TAX = "We will cut taxes for working families next year."
BRIDGE = "The new bridge over the river will open in the spring."


async def add(
    env: DiscordEnv,
    guild: Guild,
    text: str,
    speaker: str = "Jane Doe",
    said_on: date | None = date(2024, 3, 1),
) -> Statement:
    return await env.services.statements.add(
        guild.id,
        NewStatement(
            text=text,
            speaker=speaker,
            said_on=said_on,
            speaker_title="Mayor",
            source_url="https://news.example.org/a/1",
            source_name="Example News",
        ),
        actor_id=1,
    )


def share_id(result: InteractionResult) -> str:
    for row in result.components:
        for component in row.get("components", []):
            if str(component.get("custom_id", "")).startswith("onrecord:claim:share:"):
                return str(component["custom_id"])
    raise AssertionError(f"no share button in {result.components}")


def fields(embed: dict[str, Any]) -> list[dict[str, Any]]:
    return list(embed.get("fields", []))


async def test_claim_check_on_record_shows_verdict_matches_and_share_button(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    st = await add(discord_env, guild, TAX)
    await add(discord_env, guild, BRIDGE, "John Roe")
    result = await discord_env.fake.slash(
        "claim check", {"text": "they will cut taxes for working families"}, member=guild.member
    )
    assert result.is_ephemeral
    embed = result.embeds[0]
    assert embed["title"] == f"On record: Jane Doe, Mayor, March 1, 2024 (#{st.number})"
    first = fields(embed)[0]
    assert first["name"].startswith(f"#{st.number} · score ")
    assert first["name"].endswith("Jane Doe, Mayor")
    assert "**cut** **taxes**" in first["value"]
    assert "March 1, 2024" in first["value"]
    assert "(https://news.example.org/a/1)" in first["value"]
    assert share_id(result)
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def test_claim_check_is_logged_for_the_invoker(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    st = await add(discord_env, guild, TAX)
    await discord_env.fake.slash("claim check", {"text": "cut taxes for families"}, member=guild.member)
    (entry,) = await discord_env.services.claims.recent(guild.id)
    assert entry.user_id == guild.member.id
    assert entry.claim == "cut taxes for families"
    assert entry.best_number == st.number


async def test_claim_check_nothing_on_record(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await add(discord_env, guild, TAX)
    result = await discord_env.fake.slash(
        "claim check", {"text": "zebras play saxophone"}, member=guild.member
    )
    embed = result.embeds[0]
    assert embed["title"] == "Nothing on record matches this claim"
    assert fields(embed) == []


async def test_claim_check_speaker_and_dates_filter(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await add(discord_env, guild, TAX, "Jane Doe", date(2024, 3, 1))
    roe = await add(
        discord_env, guild, "We will cut taxes for farmers next year.", "John Roe", date(2024, 5, 1)
    )
    await add(discord_env, guild, "We will cut taxes for farmers this year.", "John Roe", date(2020, 5, 1))
    result = await discord_env.fake.slash(
        "claim check",
        {"text": "cut taxes next year", "speaker": "John Roe", "from": "2024-01-01", "to": "July 1, 2024"},
        member=guild.member,
    )
    embed = result.embeds[0]
    assert [f["name"].split(" · ")[0] for f in fields(embed)] == [f"#{roe.number}"]
    assert "only John Roe" in embed["description"]
    assert "January 1, 2024 to July 1, 2024" in embed["description"]


async def test_claim_check_unknown_speaker_gets_one_sentence(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await add(discord_env, guild, TAX)
    result = await discord_env.fake.slash(
        "claim check", {"text": "cut taxes", "speaker": "Nobody"}, member=guild.member
    )
    assert result.is_ephemeral
    assert result.content == "No speaker called `Nobody` in this server. Try `/speaker list`."


async def test_claim_check_bad_date_gets_one_sentence(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash(
        "claim check", {"text": "cut taxes", "from": "the day after"}, member=guild.member
    )
    assert result.is_ephemeral
    assert "I could not read the date `the day after`" in result.content


async def test_claim_check_speaker_autocomplete_is_per_guild(discord_env: DiscordEnv) -> None:
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await add(discord_env, a, TAX, "Jane Doe")
    await add(discord_env, b, BRIDGE, "Janet Other")
    result = await discord_env.fake.autocomplete(
        "claim check", {"text": "taxes", "speaker": "jan"}, member=a.member, guild=a
    )
    assert [c["value"] for c in result.choices] == ["Jane Doe"]


async def test_claim_check_other_guild_statements_never_answer(discord_env: DiscordEnv) -> None:
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await add(discord_env, a, TAX)
    result = await discord_env.fake.slash("claim check", {"text": TAX}, member=b.member, guild=b)
    assert result.embeds[0]["title"] == "Nothing on record matches this claim"
    assert fields(result.embeds[0]) == []
    assert await discord_env.services.claims.recent(a.id) == []
    assert len(await discord_env.services.claims.recent(b.id)) == 1


async def test_context_menu_checks_any_message(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    st = await add(discord_env, guild, TAX)
    message = await discord_env.fake.user_message(
        "Apparently the mayor said they'll cut taxes for working families!", member=guild.admin
    )
    result = await discord_env.fake.message_context_menu(MENU, message, member=guild.member)
    assert result.is_ephemeral
    assert result.embeds[0]["title"].startswith("On record: Jane Doe")
    assert fields(result.embeds[0])[0]["name"].startswith(f"#{st.number} ")
    (entry,) = await discord_env.services.claims.recent(guild.id)
    assert entry.user_id == guild.member.id


async def test_context_menu_on_message_without_text_says_so(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    message = await discord_env.fake.user_message("   ", member=guild.admin)
    result = await discord_env.fake.message_context_menu(MENU, message, member=guild.member)
    assert result.is_ephemeral
    assert result.content == "That message has no text to check; pick a message with words in it."


async def test_share_button_posts_public_copy_for_the_invoker(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await add(discord_env, guild, TAX)
    result = await discord_env.fake.slash("claim check", {"text": "cut taxes @everyone"}, member=guild.member)
    click = await discord_env.fake.click(result, share_id(result), member=guild.member)
    await click.wait(followups=1)
    (shared,) = click.followups
    assert not int(shared.get("flags") or 0) & 64
    assert shared["embeds"][0]["title"] == result.embeds[0]["title"]
    assert shared["embeds"][0]["footer"]["text"].startswith("Checked by ")
    assert shared["components"] == []
    public = discord_env.fake.channel_messages(guild.text_channel.id)
    assert [m["id"] for m in public] == [shared["id"]]
    assert click.source_message_id is not None
    checked = discord_env.fake.message(click.source_message_id) or {}
    button = checked["components"][0]["components"][0]
    assert button["disabled"] is True
    assert button["label"] == "Shared in channel"
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def test_share_button_refuses_someone_else(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await add(discord_env, guild, TAX)
    result = await discord_env.fake.slash("claim check", {"text": "cut taxes"}, member=guild.member)
    click = await discord_env.fake.click(result, share_id(result), member=guild.moderator)
    assert click.is_ephemeral
    assert "Only the person who ran this command" in click.content
    assert discord_env.fake.channel_messages(guild.text_channel.id) == []


async def test_claim_check_cooldown_after_five(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await add(discord_env, guild, TAX)
    for _ in range(5):
        ok = await discord_env.fake.slash("claim check", {"text": "cut taxes"}, member=guild.member)
        assert ok.embeds
    slow = await discord_env.fake.slash("claim check", {"text": "cut taxes"}, member=guild.member)
    assert slow.is_ephemeral
    assert slow.content.startswith("Slow down a little")
    other = await discord_env.fake.slash("claim check", {"text": "cut taxes"}, member=guild.moderator)
    assert other.embeds
    assert len(await discord_env.services.claims.recent(guild.id)) == 6


async def test_claim_recent_is_for_moderators(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await add(discord_env, guild, TAX)
    await discord_env.fake.slash("claim check", {"text": "cut taxes *now*"}, member=guild.member)
    refused = await discord_env.fake.slash("claim recent", member=guild.member)
    assert refused.is_ephemeral
    assert "Manage Messages" in refused.content
    shown = await discord_env.fake.slash("claim recent", member=guild.moderator)
    assert shown.is_ephemeral
    description = shown.embeds[0]["description"]
    assert f"<@{guild.member.id}>" in description
    assert "cut taxes \\*now\\*" in description


async def test_claim_recent_shows_only_this_guild(discord_env: DiscordEnv) -> None:
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await discord_env.fake.slash("claim check", {"text": "secret claim in A"}, member=a.member, guild=a)
    shown = await discord_env.fake.slash("claim recent", member=b.moderator, guild=b)
    assert shown.embeds[0]["description"] == "No claims have been checked in this server yet."
