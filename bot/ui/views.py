"""Base views: only the invoking member in the invoking guild may press; errors take the one error path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

OWNER_ONLY = "Only the person who ran this command can use these buttons; run the command yourself."


class OwnedView(discord.ui.View):
    """A non-persistent view bound to one member of one guild."""

    def __init__(self, *, owner_id: int, guild_id: int, timeout: float = 900.0) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.guild_id = guild_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id != self.guild_id or interaction.user.id != self.owner_id:
            await interaction.response.send_message(OWNER_ONLY, ephemeral=True)
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        from bot.client import send_error

        await send_error(interaction, error)


Action = Callable[[discord.Interaction], Awaitable[None]]


class ConfirmView(OwnedView):
    """Confirm / Cancel for destructive actions; runs ``on_confirm`` once, then disables itself."""

    def __init__(
        self, *, owner_id: int, guild_id: int, on_confirm: Action, confirm_label: str = "Confirm"
    ) -> None:
        super().__init__(owner_id=owner_id, guild_id=guild_id, timeout=300.0)
        self._on_confirm = on_confirm
        self.confirm.label = confirm_label

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]) -> None:
        self.stop()
        await self._on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]) -> None:
        self.stop()
        await interaction.response.edit_message(
            content="Cancelled; nothing was changed.", embed=None, view=None
        )
