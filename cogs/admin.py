"""`/onrecord`: about the bot and the server's settings."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.client import OnRecordBot
from bot.services.guild_config import DEFAULT_RELATED, DEFAULT_STRONG, timezone_choices
from bot.ui import embeds
from cogs._common import guild_of, reply


class Admin(commands.GroupCog, group_name="onrecord", group_description="About OnRecord and its settings"):
    settings = app_commands.Group(name="settings", description="Show or change OnRecord's settings here")

    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.services = bot.services
        super().__init__()

    @app_commands.command(name="about", description="Version, statements on record and uptime")
    @app_commands.guild_only()
    async def about(self, interaction: discord.Interaction) -> None:
        guild_id = guild_of(interaction)
        here = await self.services.statements.count(guild_id)
        await reply(
            interaction, embed=embeds.about(__version__, here, self.bot.uptime_s, len(self.bot.guilds))
        )

    @settings.command(name="show", description="Show this server's OnRecord settings")
    @app_commands.guild_only()
    async def show(self, interaction: discord.Interaction) -> None:
        config = await self.services.guild_config.get(guild_of(interaction))
        await reply(interaction, embed=embeds.guild_settings(config))

    @settings.command(name="moderator-role", description="Set or clear the role that may keep the record")
    @app_commands.describe(role="Members with this role count as moderators; leave empty to clear it")
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        config = await self.services.guild_config.set_moderator_role(
            guild_of(interaction), role.id if role else None
        )
        await reply(interaction, "Moderator role saved.", embed=embeds.guild_settings(config))

    @settings.command(name="timezone", description="Set the time zone used for dates like `yesterday`")
    @app_commands.describe(timezone="An IANA time zone such as Europe/London or America/New_York")
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def timezone(self, interaction: discord.Interaction, timezone: str) -> None:
        config = await self.services.guild_config.set_timezone(guild_of(interaction), timezone)
        await reply(interaction, "Time zone saved.", embed=embeds.guild_settings(config))

    @timezone.autocomplete("timezone")
    async def _timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]

    @settings.command(name="thresholds", description="Set the claim-check score thresholds (0–100)")
    @app_commands.describe(
        strong=f"Score from which a match is shown as “On record” (default {DEFAULT_STRONG:g})",
        related=f"Score from which a match is shown as related (default {DEFAULT_RELATED:g})",
    )
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_guild=True)
    async def thresholds(
        self,
        interaction: discord.Interaction,
        strong: app_commands.Range[float, 1, 100],
        related: app_commands.Range[float, 0, 99],
    ) -> None:
        config = await self.services.guild_config.set_thresholds(guild_of(interaction), strong, related)
        await reply(interaction, "Thresholds saved.", embed=embeds.guild_settings(config))


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(Admin(bot))
