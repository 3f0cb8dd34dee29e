"""End-to-end: `/speaker show|list|alias add|alias remove|edit|merge` against the loopback fake Discord."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain import NewStatement
from tests.e2e.conftest import DiscordEnv
from tests.e2e.test_quotes import forge_click
from tests.fakediscord import InteractionResult
from tests.fakediscord.world import Guild


async def say(env: DiscordEnv, guild: Guild, speaker: str, text: str, day: int = 1) -> None:
    await env.services.statements.add(
        guild.id, NewStatement(text=text, speaker=speaker, said_on=date(2024, 3, day)), actor_id=1
    )


def custom_id(result: InteractionResult, prefix: str) -> str:
    for row in result.components:
        for component in row.get("components", []):
            if str(component.get("custom_id", "")).startswith(prefix):
                return str(component["custom_id"])
    raise AssertionError(f"no component starting with {prefix!r} in {result.components}")


async def test_show_profile_has_aliases_count_dates_and_latest(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "Jane Roe", "First words.", 2)
    await say(discord_env, guild, "Jane Roe", "Last words.", 9)
    await discord_env.services.speakers.add_alias(guild.id, "Jane Roe", "J. Roe", actor_id=1)
    await discord_env.services.speakers.edit(guild.id, "Jane Roe", actor_id=1, description="Mayor of *Town*")
    result = await discord_env.fake.slash("speaker show", {"name": "J. Roe"}, member=guild.member)
    embed = result.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert not result.is_ephemeral
    assert embed["title"] == "Jane Roe"
    assert embed["description"] == "Mayor of \\*Town\\*"
    assert fields["Also known as"] == "J. Roe"
    assert fields["Statements"] == "2"
    assert fields["Said between"] == "March 2, 2024 – March 9, 2024"
    assert fields["#2 · March 9, 2024"] == "“Last words.”"


async def test_show_unknown_speaker_is_one_sentence(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("speaker show", {"name": "Nobody"}, member=guild.member)
    assert result.is_ephemeral
    assert result.content == "No speaker called `Nobody` in this server. Try `/speaker list`."


async def test_list_pages_and_refuses_other_members(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    for i in range(12):
        await say(discord_env, guild, f"Speaker {i:02d}", f"Words number {i}.")
    result = await discord_env.fake.slash("speaker list", member=guild.member)
    assert result.embeds[0]["footer"]["text"] == "Page 1 of 2 · 12 speakers"
    refused = await discord_env.fake.click(
        result, custom_id(result, "onrecord:page:next"), member=guild.moderator
    )
    assert refused.is_ephemeral
    assert "Only the person who ran `/speaker list`" in refused.content
    nxt = await discord_env.fake.click(result, custom_id(result, "onrecord:page:next"), member=guild.member)
    assert nxt.embeds[0]["footer"]["text"] == "Page 2 of 2 · 12 speakers"
    assert nxt.embeds[0]["description"].count("\n") == 1


async def test_list_empty_says_so(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash("speaker list", member=guild.member)
    assert result.is_ephemeral
    assert result.content == "No speakers are on record here yet."


async def test_alias_add_then_remove_by_moderator(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "Jane Roe", "Hello.")
    added = await discord_env.fake.slash(
        "speaker alias add", {"name": "Jane Roe", "alias": "The Mayor"}, member=guild.moderator
    )
    assert added.content == "Added `The Mayor` as another name of **Jane Roe**."
    assert (await discord_env.services.speakers.get(guild.id, "The Mayor")).name == "Jane Roe"
    choices = await discord_env.fake.autocomplete(
        "speaker alias remove", {"name": "Jane Roe", "alias": "may"}, member=guild.moderator
    )
    assert [c["value"] for c in choices.choices] == ["The Mayor"]
    removed = await discord_env.fake.slash(
        "speaker alias remove", {"name": "Jane Roe", "alias": "The Mayor"}, member=guild.moderator
    )
    assert removed.content == "Removed `The Mayor` from **Jane Roe**."
    assert (await discord_env.services.speakers.get(guild.id, "Jane Roe")).aliases == ()


async def test_alias_add_refused_for_plain_member(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "Jane Roe", "Hello.")
    result = await discord_env.fake.slash(
        "speaker alias add", {"name": "Jane Roe", "alias": "Boss"}, member=guild.member
    )
    assert result.is_ephemeral
    assert "moderator role" in result.content
    assert (await discord_env.services.speakers.get(guild.id, "Jane Roe")).aliases == ()


async def test_edit_renames_and_sets_kind_and_description(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "Ministry", "We deny it.")
    result = await discord_env.fake.slash(
        "speaker edit",
        {
            "name": "Ministry",
            "new_name": "Ministry of Truth",
            "kind": "organisation",
            "description": "A ministry",
        },
        member=guild.moderator,
    )
    assert result.content == "Speaker saved."
    speaker = await discord_env.services.speakers.get(guild.id, "Ministry of Truth")
    assert (speaker.kind, speaker.description) == ("organisation", "A ministry")
    cleared = await discord_env.fake.slash(
        "speaker edit", {"name": "Ministry of Truth", "description": "-"}, member=guild.moderator
    )
    assert cleared.content == "Speaker saved."
    assert (await discord_env.services.speakers.get(guild.id, "Ministry of Truth")).description is None


async def test_edit_without_changes_is_refused(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "Jane Roe", "Hello.")
    result = await discord_env.fake.slash("speaker edit", {"name": "Jane Roe"}, member=guild.moderator)
    assert result.is_ephemeral
    assert result.content == "Give a new name, kind or description to change."


async def test_edit_refused_for_plain_member(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "Jane Roe", "Hello.")
    result = await discord_env.fake.slash(
        "speaker edit", {"name": "Jane Roe", "new_name": "Hacked"}, member=guild.member
    )
    assert "moderator role" in result.content
    assert (await discord_env.services.speakers.get(guild.id, "Jane Roe")).name == "Jane Roe"


async def test_merge_confirm_moves_statements(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "J Roe", "Duplicate words.")
    await say(discord_env, guild, "Jane Roe", "Real words.")
    prompt = await discord_env.fake.slash(
        "speaker merge", {"from": "J Roe", "into": "Jane Roe"}, member=guild.moderator
    )
    assert prompt.is_ephemeral
    assert prompt.content.startswith("Merge **J Roe** (1 statement) into **Jane Roe**?")
    done = await discord_env.fake.click(
        prompt, custom_id(prompt, "onrecord:confirm:yes"), member=guild.moderator
    )
    assert done.content == "Speakers merged."
    assert done.components == []
    profile = await discord_env.services.speakers.profile(guild.id, "Jane Roe")
    assert profile.statement_count == 2
    assert "J Roe" in profile.speaker.aliases


async def test_merge_cancel_changes_nothing(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "J Roe", "Duplicate words.")
    await say(discord_env, guild, "Jane Roe", "Real words.")
    prompt = await discord_env.fake.slash(
        "speaker merge", {"from": "J Roe", "into": "Jane Roe"}, member=guild.moderator
    )
    done = await discord_env.fake.click(
        prompt, custom_id(prompt, "onrecord:confirm:no"), member=guild.moderator
    )
    assert done.content == "Merge cancelled; nothing changed."
    assert done.components == []
    assert (await discord_env.services.speakers.profile(guild.id, "Jane Roe")).statement_count == 1
    assert (await discord_env.services.speakers.profile(guild.id, "J Roe")).statement_count == 1


async def test_merge_same_speaker_is_refused_before_asking(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "Jane Roe", "Words.")
    await discord_env.services.speakers.add_alias(guild.id, "Jane Roe", "JR", actor_id=1)
    result = await discord_env.fake.slash(
        "speaker merge", {"from": "JR", "into": "Jane Roe"}, member=guild.moderator
    )
    assert result.content == "Those two names are the same speaker already."
    assert result.components == []


async def test_merge_refused_for_plain_member(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "J Roe", "Duplicate words.")
    await say(discord_env, guild, "Jane Roe", "Real words.")
    result = await discord_env.fake.slash(
        "speaker merge", {"from": "J Roe", "into": "Jane Roe"}, member=guild.member
    )
    assert "moderator role" in result.content
    assert (await discord_env.services.speakers.profile(guild.id, "J Roe")).statement_count == 1


async def test_merge_confirm_by_other_guild_forged_click_is_refused(discord_env: DiscordEnv) -> None:
    fake = discord_env.fake
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await say(discord_env, a, "J Roe", "Duplicate words.")
    await say(discord_env, a, "Jane Roe", "Real words.")
    prompt = await fake.slash("speaker merge", {"from": "J Roe", "into": "Jane Roe"}, member=a.moderator)
    assert prompt.message is not None
    forged = await forge_click(
        discord_env, prompt.message, custom_id(prompt, "onrecord:confirm:yes"), b.moderator
    )
    assert forged.content == "These buttons belong to another server."
    assert (await discord_env.services.speakers.profile(a.id, "J Roe")).statement_count == 1


async def test_moderator_commands_stay_visible_with_show_and_list(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    commands = [c for scoped in discord_env.fake.commands.values() for c in scoped if c["name"] == "speaker"]
    assert len(commands) == 1
    assert commands[0].get("default_member_permissions") is None
    assert commands[0].get("contexts") == [0]
    result = await discord_env.fake.slash("speaker list", member=guild.member)
    assert result.content == "No speakers are on record here yet."


async def test_autocomplete_names_are_scoped_and_capped(discord_env: DiscordEnv) -> None:
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    for i in range(30):
        await say(discord_env, a, f"Person {i:02d}", "Words.")
    here = await discord_env.fake.autocomplete("speaker merge", {"from": "Person"}, member=a.moderator)
    assert len(here.choices) == 25
    there = await discord_env.fake.autocomplete("speaker show", {"name": "Person"}, member=b.member, guild=b)
    assert there.choices == []


def _options(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for option in node.get("options") or []:
        out.append(option)
        out.extend(_options(option))
    return out


async def test_every_option_of_quote_and_speaker_has_a_description(discord_env: DiscordEnv) -> None:
    synced = [c for scoped in discord_env.fake.commands.values() for c in scoped]
    mine = [c for c in synced if c["name"] in ("quote", "speaker")]
    assert len(mine) == 2
    for command in mine:
        for option in _options(command):
            assert option.get("description"), option["name"]


async def test_merge_confirm_after_the_speaker_vanished_reports_and_keeps_the_prompt(
    discord_env: DiscordEnv,
) -> None:
    guild = discord_env.world.guilds[0]
    await say(discord_env, guild, "J Roe", "Duplicate words.")
    await say(discord_env, guild, "Jane Roe", "Real words.")
    await say(discord_env, guild, "John Doe", "Other words.")
    prompt = await discord_env.fake.slash(
        "speaker merge", {"from": "J Roe", "into": "Jane Roe"}, member=guild.moderator
    )
    await discord_env.services.speakers.merge(guild.id, "Jane Roe", "John Doe", actor_id=1)
    await discord_env.services.speakers.merge(guild.id, "J Roe", "John Doe", actor_id=1)
    failed = await discord_env.fake.click(
        prompt, custom_id(prompt, "onrecord:confirm:yes"), member=guild.moderator
    )
    assert failed.is_ephemeral
    assert failed.content == "Those two names are the same speaker already."
    cancelled = await discord_env.fake.click(
        prompt, custom_id(prompt, "onrecord:confirm:no"), member=guild.moderator
    )
    assert cancelled.content == "Merge cancelled; nothing changed."
