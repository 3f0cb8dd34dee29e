from __future__ import annotations

from bot.domain import NewStatement
from tests.e2e.conftest import DiscordEnv


async def test_about_shows_version_count_and_uptime(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    await discord_env.services.statements.add(
        guild.id,
        NewStatement(text="We will hold the line.", speaker="Lloyd Austin", said_on=None),
        actor_id=1,
    )
    result = await discord_env.fake.slash("onrecord about", member=guild.member)
    embed = result.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert result.is_ephemeral
    assert fields["Version"] == "0.1.0"
    assert fields["Statements on record here"] == "1"
    assert "s" in fields["Uptime"]
    assert discord_env.fake.messages_without_allowed_mentions() == []


async def test_about_counts_only_this_servers_statements(discord_env: DiscordEnv) -> None:
    a, b = discord_env.world.guilds[0], discord_env.world.guilds[1]
    await discord_env.services.statements.add(
        a.id, NewStatement(text="Only in A.", speaker="Someone", said_on=None), actor_id=1
    )
    result = await discord_env.fake.slash("onrecord about", member=b.member, guild=b)
    fields = {f["name"]: f["value"] for f in result.embeds[0]["fields"]}
    assert fields["Statements on record here"] == "0"


async def test_start_syncs_commands_once_and_skips_unchanged_sync(discord_env: DiscordEnv) -> None:
    assert discord_env.bot.synced_commands is True
    puts = [r for r in discord_env.fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert len(puts) == 1
    assert await discord_env.bot.sync_commands_if_changed() is False
    puts = [r for r in discord_env.fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert len(puts) == 1


async def test_settings_require_manage_server(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash(
        "onrecord settings timezone", {"timezone": "Europe/Berlin"}, member=guild.moderator
    )
    assert "Manage Server" in result.content
    ok = await discord_env.fake.slash(
        "onrecord settings timezone", {"timezone": "Europe/Berlin"}, member=guild.admin
    )
    assert "Time zone saved" in ok.content
    assert (await discord_env.services.guild_config.get(guild.id)).timezone == "Europe/Berlin"


async def test_unknown_timezone_gets_one_clear_sentence(discord_env: DiscordEnv) -> None:
    guild = discord_env.world.guilds[0]
    result = await discord_env.fake.slash(
        "onrecord settings timezone", {"timezone": "Mars/Olympus"}, member=guild.admin
    )
    assert result.is_ephemeral
    assert "is not a time zone" in result.content
