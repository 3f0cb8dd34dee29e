"""Helpers shared by the cogs (not an extension): guild lookup, moderator checks, replies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import BotError
from bot.ui.views import send

if TYPE_CHECKING:
    from bot.client import OnRecordBot
    from bot.container import Services


class NotModerator(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__(
            "You need the Manage Messages permission or this server's moderator role to do this."
        )


def guild_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise BotError("no guild", "This command only works inside a server.")
    return interaction.guild_id


def services_of(interaction: discord.Interaction) -> Services:
    client: OnRecordBot = interaction.client  # type: ignore[assignment]  # our client is always OnRecordBot
    return client.services


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Messages, or the moderator role set with `/onrecord settings moderator-role`."""
    member = interaction.user
    if not isinstance(member, discord.Member) or interaction.guild_id is None:
        return False
    perms = interaction.permissions
    if perms.manage_messages or perms.administrator:
        return True
    config = await services_of(interaction).guild_config.get(interaction.guild_id)
    return config.moderator_role_id is not None and any(
        r.id == config.moderator_role_id for r in member.roles
    )


async def _moderator_predicate(interaction: discord.Interaction) -> bool:
    if await is_moderator(interaction):
        return True
    raise NotModerator()


moderator_check = app_commands.check(_moderator_predicate)
"""Runtime check for moderator commands (``default_permissions`` is only a hint that admins can override)."""


async def speaker_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Speaker names of this server matching what is typed (at most 25; names over 100 characters
    cannot be a choice value, so they are typed in full instead)."""
    if interaction.guild_id is None:
        return []
    names = await services_of(interaction).speakers.autocomplete(interaction.guild_id, current)
    return [app_commands.Choice(name=n, value=n) for n in names if len(n) <= 100][:25]


reply = send
"""Answer ephemerally by default, through the response if still open, else a follow-up."""
