"""Base views: only the invoking member, in the invoking server, may press; errors take the one error path."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.client import send_error
from bot.errors import NotPermitted

log = logging.getLogger(__name__)


class OwnedView(discord.ui.View):
    """A view only its invoker may use, and only in the server it was created in."""

    def __init__(
        self, *, owner_id: int, guild_id: int, command: str | None = None, timeout_s: float = 900.0
    ) -> None:
        super().__init__(timeout=timeout_s)
        self.owner_id = owner_id
        self.guild_id = guild_id
        self.command = command
        self.nonce = secrets.token_hex(8)
        self.origin: discord.Interaction | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id != self.guild_id:
            raise NotPermitted("These buttons belong to another server.")
        if interaction.user.id != self.owner_id:
            ran = f"`{self.command}`" if self.command else "this command"
            raise NotPermitted(f"Only the person who ran {ran} can use these buttons; run it yourself.")
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[discord.ui.View]
    ) -> None:
        await send_error(interaction, error)

    async def on_timeout(self) -> None:
        if self.origin is None:
            return
        try:
            await self.origin.edit_original_response(view=None)
        except discord.HTTPException:
            log.info("could not remove the buttons of an expired %s view", type(self).__name__)


class ConfirmView(OwnedView):
    """Confirm/Cancel for a risky change; ``on_confirm`` runs on the button's interaction and returns
    the text and embed that replace the prompt."""

    def __init__(
        self,
        *,
        on_confirm: Callable[[], Awaitable[tuple[str, discord.Embed | None]]],
        cancelled: str,
        owner_id: int,
        guild_id: int,
        command: str | None = None,
        timeout_s: float = 120.0,
        confirm_label: str = "Confirm",
    ) -> None:
        super().__init__(owner_id=owner_id, guild_id=guild_id, command=command, timeout_s=timeout_s)
        self._on_confirm = on_confirm
        self.confirm.label = confirm_label
        self._cancelled = cancelled
        self.confirm.custom_id = f"onrecord:confirm:yes:{self.nonce}"
        self.cancel.custom_id = f"onrecord:confirm:no:{self.nonce}"
        self.outcome: bool | None = None
        self._busy = False

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]) -> None:
        if self._busy or self.outcome is not None:
            await interaction.response.send_message("That was already answered.", ephemeral=True)
            return
        self._busy = True
        try:
            content, embed = await self._on_confirm()
        finally:
            self._busy = False  # after an error the invoker may read it and try again
        self.outcome = True
        self.stop()
        await interaction.response.edit_message(content=content, embed=embed, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[ConfirmView]) -> None:
        if self._busy:
            await interaction.response.send_message(
                "Too late: the change is already running.", ephemeral=True
            )
            return
        self.outcome = False
        self.stop()
        await interaction.response.edit_message(content=self._cancelled, embed=None, view=None)

    async def on_timeout(self) -> None:
        if self.origin is None:
            return
        try:
            await self.origin.edit_original_response(
                content="This confirmation timed out; nothing changed.", view=None
            )
        except discord.HTTPException:
            log.info("could not close an expired confirmation")


async def send_confirm(interaction: discord.Interaction, view: ConfirmView, prompt: str) -> None:
    """Ask the invoker (ephemerally) to confirm."""
    view.origin = interaction
    await send(interaction, content=prompt, view=view, ephemeral=True)


async def send(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
) -> None:
    """Answer through the interaction response if it is still open, else through a follow-up."""
    missing = discord.utils.MISSING
    kwargs: dict[str, Any] = {
        "content": content if content is not None else missing,
        "embed": embed if embed is not None else missing,
        "embeds": embeds if embeds is not None else missing,
        "view": view if view is not None else missing,
    }
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(**kwargs, ephemeral=ephemeral)
