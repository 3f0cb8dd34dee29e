"""`/claim check`, `/claim recent` and the message menu "Check against the record"."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import OnRecordBot
from bot.errors import ValidationError
from bot.services.claims import ClaimReport
from bot.ui import claims as claims_ui
from cogs._common import guild_of, moderator_check, reply, speaker_choices

CHECKS_PER_WINDOW = 5
WINDOW_S = 30.0
CONTEXT_MENU_NAME = "Check against the record"


def _per_member(interaction: discord.Interaction) -> tuple[int | None, int]:
    return interaction.guild_id, interaction.user.id


async def _send_report(interaction: discord.Interaction, report: ClaimReport) -> None:
    view = claims_ui.ShareView(report, owner_id=interaction.user.id, guild_id=guild_of(interaction))
    await interaction.followup.send(embed=claims_ui.report_embed(report), view=view, ephemeral=True)


@app_commands.guild_only()
class Claims(commands.GroupCog, group_name="claim", group_description="Check claims against the record"):
    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.services = bot.services
        menu = app_commands.ContextMenu(name=CONTEXT_MENU_NAME, callback=self.check_message)
        menu = app_commands.guild_only()(menu)
        self.menu = app_commands.checks.cooldown(CHECKS_PER_WINDOW, WINDOW_S, key=_per_member)(menu)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="check", description="Check a claim against the statements on record")
    @app_commands.describe(
        text="The claim, in the words you read or heard",
        speaker="Only statements by this speaker",
        date_from="Only statements said on or after this date (e.g. 2024-07-11 or last Monday)",
        date_to="Only statements said on or before this date",
    )
    @app_commands.rename(date_from="from", date_to="to")
    @app_commands.checks.cooldown(CHECKS_PER_WINDOW, WINDOW_S, key=_per_member)
    @app_commands.autocomplete(speaker=speaker_choices)
    async def check(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 2000],
        speaker: app_commands.Range[str, 1, 200] | None = None,
        date_from: app_commands.Range[str, 1, 40] | None = None,
        date_to: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = guild_of(interaction)
        start, end = await self.services.claims.date_range(guild_id, date_from, date_to)
        report = await self.services.claims.check(
            guild_id, text, user_id=interaction.user.id, speaker=speaker, date_from=start, date_to=end
        )
        await _send_report(interaction, report)

    async def check_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """The message menu: check any message's words against the record."""
        if not message.content.strip():
            raise ValidationError("That message has no text to check; pick a message with words in it.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.services.claims.check(
            guild_of(interaction), message.content, user_id=interaction.user.id
        )
        await _send_report(interaction, report)

    @app_commands.command(name="recent", description="Moderators: the latest claim checks in this server")
    @app_commands.describe(count="How many checks to show (default 10)")
    @moderator_check
    async def recent(
        self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 25] = 10
    ) -> None:
        entries = await self.services.claims.recent(guild_of(interaction), count)
        await reply(interaction, embed=claims_ui.recent_embed(entries))


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(Claims(bot))
