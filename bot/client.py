"""OnRecordBot: loads every cog, keeps the match index, syncs commands only when they changed."""

from __future__ import annotations

import hashlib
import json
import logging
import pkgutil
import time

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot import __version__
from bot.container import Services
from bot.errors import BotError

log = logging.getLogger(__name__)
GENERIC_APOLOGY = (
    "Sorry, something went wrong on our side. The moderators can find the details in the bot's log."
)


def extension_names() -> list[str]:
    """Every module in ``cogs/`` not starting with ``_``."""
    return sorted(
        f"{cogs.__name__}.{m.name}" for m in pkgutil.iter_modules(cogs.__path__) if not m.name.startswith("_")
    )


_PERMISSION_NAMES = {
    "manage_guild": "Manage Server",
    "manage_messages": "Manage Messages",
    "view_channel": "View Channel",
}


def permission_names(perms: list[str]) -> str:
    """Permission flags as Discord's UI names them ("Manage Server", not "manage_guild")."""
    return ", ".join(_PERMISSION_NAMES.get(p, p.replace("_", " ").title()) for p in perms)


def user_message_for(error: Exception) -> str | None:
    """The safe sentence for an error, or None when it is a bug (logged, generic apology)."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError) and isinstance(
        error.__cause__ or getattr(error, "original", None), BotError
    ):
        inner = error.__cause__ or getattr(error, "original", None)
        assert isinstance(inner, BotError)  # noqa: S101  (narrowed just above)
        return inner.user_message
    if isinstance(error, BotError):
        return error.user_message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {permission_names(error.missing_permissions)} permission to do this."
    if isinstance(error, app_commands.BotMissingPermissions):
        return (
            f"I need the {permission_names(error.missing_permissions)} permission in this channel to do this."
        )
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(error, app_commands.TransformerError):
        return f"I could not understand the value `{str(error.value)[:60]}`."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You are not allowed to do this here."
    return None


async def send_error(interaction: discord.Interaction, error: Exception) -> None:
    """The one error path: a safe ephemeral sentence for users, tracebacks only to the log."""
    message = user_message_for(error)
    if message is None:
        original = getattr(error, "original", error)
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "unexpected error in guild %s, command %s, user %s",
            interaction.guild_id,
            command,
            interaction.user.id if interaction.user else None,
            exc_info=original,
        )
        message = GENERIC_APOLOGY
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


class OnRecordTree(app_commands.CommandTree["OnRecordBot"]):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await send_error(interaction, error)


class OnRecordBot(commands.AutoShardedBot):
    def __init__(self, services: Services, **options: object) -> None:
        intents = discord.Intents.default()
        intents.members = False
        intents.presences = False
        intents.message_content = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=OnRecordTree,
            chunk_guilds_at_startup=False,
            **options,  # type: ignore[arg-type]  # passthrough of discord.py client options
        )
        self.services = services
        self.started_monotonic = time.monotonic()
        self.synced_commands: bool = False

    async def setup_hook(self) -> None:
        count = await self.services.index.build()
        log.info("OnRecord %s: %d statements in the match index", __version__, count)
        for name in extension_names():
            await self.load_extension(name)
            log.info("loaded extension %s", name)
        await self.sync_commands_if_changed()

    def command_payload(self, guild: discord.abc.Snowflake | None) -> list[dict[str, object]]:
        return [cmd.to_dict(self.tree) for cmd in self.tree.get_commands(guild=guild)]

    async def sync_commands_if_changed(self) -> bool:
        """Sync to DEV_GUILD_ID when set, else globally — only when the command set changed."""
        dev = self.services.settings.dev_guild_id
        guild = discord.Object(dev) if dev else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = self.command_payload(guild)
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
        key = f"command_sync:{self.application_id}:{dev or 'global'}"
        if await self.services.bot_state.get(key) == digest:
            log.info("application commands unchanged; not syncing")
            self.synced_commands = False
            return False
        synced = await self.tree.sync(guild=guild)
        await self.services.bot_state.set(key, digest)
        log.info("synced %d application commands (%s)", len(synced), f"guild {dev}" if dev else "global")
        self.synced_commands = True
        return True

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user.id if self.user else "?", len(self.guilds))

    @property
    def uptime_s(self) -> float:
        return time.monotonic() - self.started_monotonic
