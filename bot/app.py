"""Composition root: settings → engine → migrations → services → bot; clean shutdown on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.client import OnRecordBot
from bot.container import build_services
from bot.errors import ConfigError
from bot.settings import Settings
from db import migrate
from db.engine import make_engine

log = logging.getLogger(__name__)
T = TypeVar("T")


def redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


async def with_database(settings: Settings, action: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Open the engine, run ``action``, dispose; unreachable databases become one clear ConfigError line."""
    engine = make_engine(settings.database_url)
    try:
        return await action(engine)
    except (OSError, OperationalError, DBAPIError, ConnectionError) as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ConfigError(f"Cannot use the database at {redacted(settings.database_url)}: {reason}") from None
    finally:
        await engine.dispose()


async def run_bot(settings: Settings) -> None:
    token = settings.require_token()
    engine = make_engine(settings.database_url)
    try:
        try:
            await migrate.upgrade(engine)
        except (OSError, OperationalError, DBAPIError, ConnectionError) as exc:
            reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
            raise ConfigError(
                f"Cannot use the database at {redacted(settings.database_url)}: {reason}"
            ) from None
        services = build_services(settings, engine)
        bot = OnRecordBot(services)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, _request_stop, bot, sig)
        try:
            async with bot:
                await bot.start(token)
        except discord.LoginFailure:
            raise ConfigError(
                "Discord rejected DISCORD_TOKEN: copy the bot token again from the Developer Portal into .env."
            ) from None
        except discord.PrivilegedIntentsRequired:  # pragma: no cover - OnRecord asks for none
            raise ConfigError("Discord refused a privileged intent; OnRecord should not need one.") from None
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
    finally:
        await engine.dispose()
        log.info("stopped")


def _request_stop(bot: OnRecordBot, sig: signal.Signals) -> None:
    log.info("received %s, shutting down", sig.name)
    task = asyncio.get_running_loop().create_task(bot.close())
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


_PENDING: set[asyncio.Task[None]] = set()
