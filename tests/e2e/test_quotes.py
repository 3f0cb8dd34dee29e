"""End-to-end: `/quote search|show|random` against the loopback fake Discord."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain import NewStatement, Statement
from tests.e2e.conftest import DiscordEnv
from tests.fakediscord import InteractionResult
from tests.fakediscord.payloads import Where
from tests.fakediscord.world import Guild, Member


async def seed(env: DiscordEnv, guild: Guild, count: int, *, speaker: str = "Jane Roe") -> list[Statement]:
    out = []
    for i in range(1, count + 1):
        out.append(
            await env.services.statements.add(
                guild.id,
                NewStatement(
                    text=f"We will build {i} new bridges across the river.",
                    speaker=speaker,
                    said_on=date(2024, 1, i),
                    speaker_title="Minister of Transport",
                    source_url=f"https://news.example.org/bridges/{i}",
                    source_name="Example News",
                ),
                actor_id=1,
            )
        )
    return out


def custom_id(result: InteractionResult, prefix: str) -> str:
    for row in result.components:
        for component in row.get("components", []):
            if str(component.get("custom_id", "")).startswith(prefix):
                return str(component["custom_id"])
    raise AssertionError(f"no component starting with {prefix!r} in {result.components}")


async def forge_click(
    env: DiscordEnv, message: dict[str, Any], custom_id: str, member: Member
) -> InteractionResult:
    """Click ``custom_id`` of ``message`` as ``member`` of another guild, from that guild.

    Real Discord never delivers this (the fake's ``click`` refuses it too), so the test goes one level
    down, to prove the view re-checks the guild instead of trusting the custom_id or the message.
    """
    guild = env.world.guild(member.guild_id)
    assert guild is not None
    data = {"custom_id": custom_id, "component_type": 2}
    where = Where(guild, guild.text_channel, member)
    return await env.fake._interact(3, data, where, f"forged click on {custom_id!r}", message=message)


def footer(result: InteractionResult) -> str:
    return str(result.embeds[0]["footer"]["text"])


def field_names(embed: dict[str, Any]) -> list[str]:
    return [f["name"] for f in embed.get("fields", [])]


async def test_search_shows_words_speaker_date_source_and_number(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await seed(discord_env, guild, 1)
    result = await discord_env.fake.slash("quote search", {"query": "bridges"}, member=guild.member)
    embed = result.embeds[0]
    name, value = embed["fields"][0]["name"], embed["fields"][0]["value"]
    assert not result.is_ephemeral
    assert name == "#1 · Jane Roe, Minister of Transport"
    assert "We will build 1 new bridges" in value
    assert "January 1, 2024" in value
    assert "(https://news.example.org/bridges/1)" in value
    assert "#1" in value
    assert result.components == []  # one page: no buttons
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def test_search_no_results_says_so_in_one_sentence(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await seed(discord_env, guild, 1)
    result = await discord_env.fake.slash("quote search", {"query": "submarines"}, member=guild.member)
    assert result.is_ephemeral
    assert result.content == "No statements on record here match `submarines`."


async def test_search_filters_by_speaker_kind_and_dates(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await seed(discord_env, guild, 5)
    await seed(discord_env, guild, 1, speaker="John Doe")
    result = await discord_env.fake.slash(
        "quote search",
        {"speaker": "Jane Roe", "from": "2024-01-02", "to": "2024-01-03", "kind": "direct"},
        member=guild.member,
    )
    names = field_names(result.embeds[0])
    assert sorted(names) == ["#2 · Jane Roe, Minister of Transport", "#3 · Jane Roe, Minister of Transport"]


async def test_search_from_after_to_is_refused(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash(
        "quote search", {"from": "2024-02-01", "to": "2024-01-01"}, member=guild.member
    )
    assert result.is_ephemeral
    assert "is after the `to` date" in result.content


async def test_search_unreadable_date_is_one_ephemeral_sentence(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("quote search", {"from": "someday"}, member=guild.member)
    assert result.is_ephemeral
    assert "could not read the date" in result.content


async def test_search_pages_with_next_and_previous(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await seed(discord_env, guild, 12)
    result = await discord_env.fake.slash("quote search", member=guild.member)
    assert footer(result).startswith("Page 1 of 3")
    first_names = field_names(result.embeds[0])
    nxt = await discord_env.fake.click(result, custom_id(result, "onrecord:page:next"), member=guild.member)
    assert footer(nxt).startswith("Page 2 of 3")
    assert set(field_names(nxt.embeds[0])).isdisjoint(first_names)
    prev = await discord_env.fake.click(nxt, custom_id(nxt, "onrecord:page:prev"), member=guild.member)
    assert footer(prev).startswith("Page 1 of 3")
    assert field_names(prev.embeds[0]) == first_names


async def test_search_page_click_by_another_member_is_refused(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await seed(discord_env, guild, 6)
    result = await discord_env.fake.slash("quote search", member=guild.member)
    refused = await discord_env.fake.click(
        result, custom_id(result, "onrecord:page:next"), member=guild.moderator
    )
    assert refused.is_ephemeral
    assert "Only the person who ran `/quote search`" in refused.content
    assert footer(result).startswith("Page 1 of 2")


async def test_show_has_every_field_and_edit_count(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.services.statements.add(
        guild.id,
        NewStatement(
            text="The budget is balanced.",
            speaker="Jane Roe",
            said_on=date(2024, 7, 11),
            kind="partial",
            speaker_title="Finance Minister",
            context="At the press conference after the vote.",
            source_url="https://news.example.org/budget",
            source_name="Example News",
            topics=("budget", "economy"),
        ),
        actor_id=guild.moderator.id,
    )
    result = await discord_env.fake.slash("quote show", {"number": 1}, member=guild.member)
    embed = result.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"] == "Statement #1"
    assert embed["description"] == "“The budget is balanced.”"
    assert fields["Speaker"] == "Jane Roe, Finance Minister"
    assert fields["Said on"] == "July 11, 2024"
    assert fields["Kind"] == "partial quote"
    assert fields["Context"] == "At the press conference after the vote."
    assert fields["Source"] == "Example News — [news.example.org](https://news.example.org/budget)"
    assert fields["Topics"] == "budget, economy"
    assert fields["Edits"] == "never edited"
    assert f"<@{guild.moderator.id}>" in fields["Recorded"]


async def test_show_unknown_number_is_not_found(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("quote show", {"number": 99}, member=guild.member)
    assert result.is_ephemeral
    assert result.content == "No statement #99 in this server. Try `/quote search`."


async def test_show_escapes_mentions_and_markdown(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.services.statements.add(
        guild.id,
        NewStatement(
            text="@everyone read **this** [now](https://evil.example)", speaker="Troll", said_on=None
        ),
        actor_id=1,
    )
    result = await discord_env.fake.slash("quote show", {"number": 1}, member=guild.member)
    description = result.embeds[0]["description"]
    assert "@everyone" not in description
    assert "**this**" not in description
    assert "](https" not in description


async def test_show_very_long_statement_fits_discord_limits(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.services.statements.add(
        guild.id,
        NewStatement(text="*_" * 2000, speaker="Long Talker", said_on=None, context="`#`" * 300),
        actor_id=1,
    )
    result = await discord_env.fake.slash("quote show", {"number": 1}, member=guild.member)
    assert result.embeds[0]["description"].endswith("…”")
    assert discord_env.fake.violations == []


async def test_random_picks_from_the_speaker(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await seed(discord_env, guild, 2)
    await seed(discord_env, guild, 1, speaker="John Doe")
    result = await discord_env.fake.slash("quote random", {"speaker": "John Doe"}, member=guild.member)
    assert result.embeds[0]["fields"][0]["value"].startswith("John Doe")


async def test_random_on_empty_record_says_so(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("quote random", member=guild.member)
    assert result.is_ephemeral
    assert result.content == "Nothing is on record here yet."


async def test_random_unknown_speaker_is_not_found(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("quote random", {"speaker": "Nobody"}, member=guild.member)
    assert result.is_ephemeral
    assert "No speaker called `Nobody`" in result.content


async def test_speaker_autocomplete_offers_at_most_25(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    for i in range(30):
        await seed(discord_env, guild, 1, speaker=f"Speaker {i:02d}")
    result = await discord_env.fake.autocomplete("quote search", {"speaker": "Speaker"}, member=guild.member)
    assert len(result.choices) == 25
    assert all(c["name"].startswith("Speaker") for c in result.choices)


async def test_other_guild_cannot_show_or_search_guild_a_statements(discord_env: DiscordEnv) -> None:
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await seed(discord_env, a, 3)
    shown = await discord_env.fake.slash("quote show", {"number": 1}, member=b.member, guild=b)
    assert shown.content == "No statement #1 in this server. Try `/quote search`."
    searched = await discord_env.fake.slash("quote search", {"query": "bridges"}, member=b.member, guild=b)
    assert searched.content == "No statements on record here match `bridges`."
    completed = await discord_env.fake.autocomplete(
        "quote random", {"speaker": "Jane"}, member=b.member, guild=b
    )
    assert completed.choices == []


async def test_other_guild_cannot_click_guild_a_page_buttons(discord_env: DiscordEnv) -> None:
    """A click carrying guild A's custom_id and message, sent from guild B, is refused."""
    fake = discord_env.fake
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await seed(discord_env, a, 8)
    result = await fake.slash("quote search", member=a.member)
    next_id = custom_id(result, "onrecord:page:next")
    message = result.message
    assert message is not None
    forged = await forge_click(discord_env, message, next_id, b.member)
    assert forged.is_ephemeral
    assert forged.content == "These buttons belong to another server."
    assert footer(result).startswith("Page 1 of 2")


async def test_random_without_speaker_shows_a_public_card(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await seed(discord_env, guild, 3)
    result = await discord_env.fake.slash("quote random", member=guild.member)
    assert not result.is_ephemeral
    assert result.embeds[0]["title"] in {"Statement #1", "Statement #2", "Statement #3"}
    assert result.embeds[0]["url"].startswith("https://news.example.org/bridges/")
