from __future__ import annotations

from typing import Any

import pytest

from bot.domain import NewStatement
from tests.e2e.conftest import DiscordEnv
from tests.fakediscord import CommandHidden, InteractionResult

WORDS = "I'm not ready to talk to Putin unless Putin is ready to change his behavior"


def _form(**overrides: str) -> dict[str, str]:
    values = {
        "words": WORDS,
        "speaker": "Joe Biden",
        "speaker_title": "President",
        "said_on": "2024-07-11",
        "source_url": "https://www.stripes.com/article",
    }
    values.update(overrides)
    return values


def _button(result: InteractionResult, label_start: str) -> str:
    for message in reversed(result.messages()):
        for row in message.get("components") or []:
            for c in row.get("components") or []:
                if str(c.get("label", "")).startswith(label_start):
                    return str(c["custom_id"])
    raise AssertionError(f"no button starting with {label_start!r}")


async def _add(env: DiscordEnv, options: dict[str, Any] | None = None, **form: str) -> InteractionResult:
    guild = env.world.guilds[0]
    opened = await env.fake.slash("statement add", options or {}, member=guild.moderator)
    assert opened.modal is not None
    return await env.fake.submit_modal(opened, _form(**form))


async def test_add_through_modal_records_statement_and_echoes_date(discord_env: DiscordEnv) -> None:
    result = await _add(
        discord_env, {"outlet": "Stars and Stripes", "context": "NATO summit news conference"}
    )
    assert "Recorded as #1, said on July 11, 2024" in result.content
    assert result.is_ephemeral
    s = await discord_env.services.statements.get(discord_env.world.guilds[0].id, 1)
    assert (s.text, s.speaker_name, s.speaker_title, s.source_name) == (
        WORDS,
        "Joe Biden",
        "President",
        "Stars and Stripes",
    )
    assert s.said_on is not None
    assert s.said_on.isoformat() == "2024-07-11"


async def test_add_relative_date_uses_server_timezone(discord_env: DiscordEnv) -> None:
    # The frozen clock says 2024-07-12 15:00 UTC (a Friday); "last Thursday" is 2024-07-11.
    result = await _add(discord_env, said_on="last Thursday")
    assert "said on July 11, 2024" in result.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("said_on", "next year", "could not read the date"),
        ("said_on", "2030-01-01", "in the future"),
        ("source_url", "javascript:alert(1)", "must start with http"),
        ("words", "   ", "empty"),
    ],
)
async def test_add_bad_input_saves_nothing_and_offers_the_form_back(
    discord_env: DiscordEnv, field: str, value: str, message: str
) -> None:
    result = await _add(discord_env, **{field: value})
    assert message in result.content
    assert "Nothing was saved" in result.content
    assert await discord_env.services.statements.count(discord_env.world.guilds[0].id) == 0
    reopened = await discord_env.fake.click(result, _button(result, "Fix and resubmit"))
    assert reopened.modal is not None
    prefilled = {
        c["components"][0]["custom_id"]: c["components"][0].get("value")
        for c in reopened.modal["components"]
        if c.get("type") == 1
    } or {c["component"]["custom_id"]: c["component"].get("value") for c in reopened.modal["components"]}
    assert prefilled["speaker"] == "Joe Biden"


async def test_add_near_duplicate_speaker_asks_did_you_mean_and_uses_choice(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.services.statements.add(
        guild.id,
        NewStatement(text="We stand with Ukraine.", speaker="Lloyd Austin", said_on=None),
        actor_id=1,
    )
    asked = await _add(discord_env, speaker="Lloyd Austen", words="Russia must withdraw.")
    assert "Did you mean **Lloyd Austin**" in asked.content
    assert await discord_env.services.statements.count(guild.id) == 1
    done = await discord_env.fake.click(asked, _button(asked, "Yes, Lloyd Austin"))
    assert "Recorded as #2" in done.content
    s = await discord_env.services.statements.get(guild.id, 2)
    assert s.speaker_name == "Lloyd Austin"


async def test_did_you_mean_other_member_cannot_answer(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.services.statements.add(
        guild.id,
        NewStatement(text="We stand with Ukraine.", speaker="Lloyd Austin", said_on=None),
        actor_id=1,
    )
    asked = await _add(discord_env, speaker="Lloyd Austen")
    refused = await discord_env.fake.click(asked, _button(asked, "Yes"), member=guild.admin)
    assert "Only the person who ran this command" in refused.content
    assert await discord_env.services.statements.count(guild.id) == 1


async def test_plain_member_cannot_see_statement_commands(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    with pytest.raises(CommandHidden):
        await discord_env.fake.slash("statement add", member=guild.member)


async def test_runtime_check_refuses_non_moderator_even_if_command_is_visible(
    discord_env: DiscordEnv,
) -> None:
    # A server admin can make /statement visible to everyone; the runtime check still refuses.
    guild = discord_env.world.guilds[0]
    command = next(
        c for scoped in discord_env.fake.commands.values() for c in scoped if c["name"] == "statement"
    )
    command["default_member_permissions"] = None
    result = await discord_env.fake.slash("statement history", {"number": 1}, member=guild.member)
    assert "Manage Messages" in result.content
    assert result.is_ephemeral


async def test_moderator_role_grants_access(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    command = next(
        c for scoped in discord_env.fake.commands.values() for c in scoped if c["name"] == "statement"
    )
    command["default_member_permissions"] = None
    role = guild.everyone  # every member has it
    await discord_env.services.guild_config.set_moderator_role(guild.id, role.id)
    result = await discord_env.fake.slash("statement history", {"number": 5}, member=guild.member)
    assert "No statement #5" in result.content


async def test_edit_prefills_form_and_audits_change(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _add(discord_env)
    opened = await discord_env.fake.slash("statement edit", {"number": 1}, member=guild.moderator)
    assert opened.modal is not None
    saved = await discord_env.fake.submit_modal(
        opened, _form(speaker_title="U.S. President", said_on="July 11, 2024")
    )
    assert "Saved #1 (edit 1)" in saved.content
    history = await discord_env.fake.slash("statement history", {"number": 1}, member=guild.moderator)
    text = history.embeds[0]["description"]
    assert "create" in text
    assert "edit" in text
    assert "speaker_title: President → U.S. President" in text


async def test_remove_asks_confirmation_then_restore_brings_back(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await _add(discord_env)
    asked = await discord_env.fake.slash(
        "statement remove", {"number": 1, "reason": "wrong date"}, member=guild.moderator
    )
    assert await discord_env.services.statements.count(guild.id) == 1
    cancelled = await discord_env.fake.click(asked, _button(asked, "Cancel"))
    assert "nothing was changed" in cancelled.content
    asked = await discord_env.fake.slash(
        "statement remove", {"number": 1, "reason": "wrong date"}, member=guild.moderator
    )
    removed = await discord_env.fake.click(asked, _button(asked, "Remove"))
    assert "Removed #1" in removed.content
    assert await discord_env.services.statements.count(guild.id) == 0
    restored = await discord_env.fake.slash("statement restore", {"number": 1}, member=guild.moderator)
    assert "Restored #1" in restored.content
    assert await discord_env.services.statements.count(guild.id) == 1


async def test_other_guild_cannot_touch_statement_by_number(discord_env: DiscordEnv) -> None:
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await _add(discord_env)
    for name, options in [
        ("statement history", {"number": 1}),
        ("statement restore", {"number": 1}),
        ("statement remove", {"number": 1, "reason": "not yours"}),
    ]:
        result = await discord_env.fake.slash(name, options, member=b.moderator, guild=b)
        assert "No statement #1 in this server" in result.content
    opened = await discord_env.fake.slash("statement edit", {"number": 1}, member=b.moderator, guild=b)
    assert opened.modal is None
    assert "No statement #1" in opened.content
    assert (await discord_env.services.statements.get(a.id, 1)).status == "published"


async def test_user_text_is_escaped_and_never_pings(discord_env: DiscordEnv) -> None:
    result = await _add(
        discord_env,
        words="@everyone look at [this](https://evil.example) **now**",
        speaker="Some @here Person",
    )
    card = result.embeds[0]
    assert "@everyone" not in card["description"].replace("@\u200beveryone", "")
    assert "](" not in card["description"].replace("]\u200b(", "")
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def test_crafted_source_url_cannot_inject_a_masked_link(discord_env: DiscordEnv) -> None:
    url = "https://example.com/a)_[Official_statement](https://evil.example/x"
    result = await _add(discord_env, {"outlet": "Reuters"}, source_url=url)
    source = next(f["value"] for f in result.embeds[0]["fields"] if f["name"] == "Source")
    assert source.startswith("Reuters — [example.com](")
    assert "](https://evil.example" not in source
