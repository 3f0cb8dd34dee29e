"""The real OnRecordBot against the loopback fake Discord, on a fresh migrated database per test."""

from __future__ import annotations

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
