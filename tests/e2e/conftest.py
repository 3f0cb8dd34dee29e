"""The real OnRecordBot against the loopback fake Discord, on a fresh migrated database per test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.client import OnRecordBot
from bot.container import Services, build_services
from bot.errors import BotError
from bot.settings import Settings
from tests.conftest import FrozenClock
from tests.fakediscord import FakeDiscord, World, run_bot
from tests.fakediscord.harness import DEFAULT_HANDLED


@dataclass(frozen=True)
class DiscordEnv:
    fake: FakeDiscord
    bot: OnRecordBot
    world: World
    services: Services
    clock: FrozenClock


@pytest.fixture
def world() -> World:
    return World.default()


@pytest.fixture
async def discord_env(
    settings: Settings, engine: AsyncEngine, clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordEnv]:
    """A running bot (commands synced, READY received) whose services use the test database and clock."""
    services = build_services(settings, engine, clock=clock)

    def factory() -> OnRecordBot:
        return OnRecordBot(services, guild_ready_timeout=0.05)

    async with run_bot(factory, world, monkeypatch, handled=(*DEFAULT_HANDLED, BotError)) as env:
        yield DiscordEnv(env.fake, env.bot, env.world, services, clock)
    await _no_leftover_tasks()


async def _no_leftover_tasks() -> None:
    """After the bot closed, cancel what is left (discord.py leaves view time-outs running) and fail if a task
    refuses to end: such a task would otherwise hang the event loop's teardown with no hint of the cause."""
    current = asyncio.current_task()
    leftover = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    for task in leftover:
        task.cancel()
    if not leftover:
        return
    _, survivors = await asyncio.wait(leftover, timeout=5)
    described = [f"{t.get_name()}: {t.get_coro()!r}" for t in survivors]
    assert not survivors, f"tasks survived cancellation after the bot closed: {described}"
