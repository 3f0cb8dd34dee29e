"""``run_bot``: start the fake, connect the real bot to it, and fail the test on anything swallowed."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from tests.fakediscord.collector import CollectedErrors, ErrorCollector
from tests.fakediscord.server import FAKE_TOKEN, FakeDiscord
from tests.fakediscord.world import World

ClientT = TypeVar("ClientT", bound=discord.Client)

DEFAULT_HANDLED: tuple[type[BaseException], ...] = (app_commands.CheckFailure,)


@dataclass(frozen=True)
class BotEnv(Generic[ClientT]):
    """What a test gets from ``run_bot``."""

    fake: FakeDiscord
    bot: ClientT
    world: World
    collector: ErrorCollector


class _Patches:
    """Set class attributes through ``monkeypatch`` if given, else set and restore them ourselves."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch | None) -> None:
        self._monkeypatch = monkeypatch
        self._undo: list[tuple[object, str, object]] = []

    def set(self, target: object, name: str, value: object) -> None:
        if self._monkeypatch is not None:
            self._monkeypatch.setattr(target, name, value)
        else:
            self._undo.append((target, name, getattr(target, name)))
            setattr(target, name, value)

    def undo(self) -> None:
        while self._undo:
            target, name, value = self._undo.pop()
            setattr(target, name, value)


@asynccontextmanager
async def run_bot(
    bot_factory: Callable[[], ClientT | Awaitable[ClientT]],
    world: World | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
    *,
    token: str = FAKE_TOKEN,
    handled: tuple[type[BaseException], ...] = DEFAULT_HANDLED,
    ready_timeout_s: float = 5.0,
    fail_on_violations: bool = True,
) -> AsyncIterator[BotEnv[ClientT]]:
    """Run the real bot against a fresh ``FakeDiscord`` serving ``world`` (default ``World.default()``).

    Starts the fake, points ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` at it, hooks the
    error collector, builds the bot with ``bot_factory()`` (sync or async; it should pass
    ``guild_ready_timeout=0.05``), runs ``login`` (so ``setup_hook`` and the sync), starts
    ``connect(reconnect=False)`` and waits for READY. On exit it closes the bot, stops the fake, and
    raises ``CollectedErrors`` if the bot raised anything the test did not ``expect()``, or (with
    ``fail_on_violations``) if requests Discord would reject are left in ``fake.violations``.

    ``handled`` lists exception types that the bot's handlers turn into user messages on purpose (e.g.
    the project's ``BotError``); those are not failures. ``CheckFailure`` is one by default.
    """
    world = world or World.default()
    fake = FakeDiscord(world, token=token)
    collector = ErrorCollector(handled)
    fake.collector = collector
    patches = _Patches(monkeypatch)
    bot: ClientT | None = None
    connect_task: asyncio.Task[None] | None = None
    failed = True
    try:
        await fake.start()
        patches.set(discord.http.Route, "BASE", fake.api_base)
        patches.set(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        collector.install_global()
        built = bot_factory()
        bot = await built if inspect.isawaitable(built) else built
        await bot.login(token)
        collector.install_bot(bot)
        connect_task = asyncio.create_task(bot.connect(reconnect=False), name="fakediscord-connect")
        await _wait_ready(bot, connect_task, ready_timeout_s)
        yield BotEnv(fake, bot, world, collector)
        failed = False
    except BaseException as error:
        error.add_note(_debug_note(fake, collector))
        raise
    finally:
        await _shutdown(bot, connect_task, fake, collector, failed=failed)
        collector.uninstall()
        patches.undo()
    _raise_problems(fake, collector, fail_on_violations=fail_on_violations)


async def _wait_ready(bot: discord.Client, connect_task: asyncio.Task[None], timeout_s: float) -> None:
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait(
        {ready, connect_task}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
    )
    if ready in done:
        return
    ready.cancel()
    if connect_task in done:
        error = None if connect_task.cancelled() else connect_task.exception()
        raise RuntimeError("bot.connect() ended before READY") from error
    raise TimeoutError(f"the bot was not ready within {timeout_s}s")


async def _shutdown(
    bot: discord.Client | None,
    connect_task: asyncio.Task[None] | None,
    fake: FakeDiscord,
    collector: ErrorCollector,
    *,
    failed: bool,
) -> None:
    """Close the bot first, then its connect task, then the fake (in that order; see the testing doc)."""
    try:
        if bot is not None:
            await asyncio.wait_for(bot.close(), timeout=5)
        if connect_task is not None:
            try:
                await asyncio.wait_for(connect_task, timeout=5)
            except Exception as error:  # the gateway task died: a failure unless the test already failed
                if not failed:
                    collector.record("bot.connect()", error)
    finally:
        await fake.stop()


def _raise_problems(fake: FakeDiscord, collector: ErrorCollector, *, fail_on_violations: bool) -> None:
    problems = collector.missing_expectations()
    if fail_on_violations and fake.violations:
        lines = "\n".join(f"  {violation}" for violation in fake.violations)
        problems.append(
            f"Discord would have rejected {len(fake.violations)} request(s) (call fake.pop_violations() "
            f"in tests that expect them):\n{lines}"
        )
    unexpected = collector.unexpected()
    if unexpected or problems:
        raise CollectedErrors(unexpected, problems)


def _debug_note(fake: FakeDiscord, collector: ErrorCollector) -> str:
    lines = ["fake Discord state when the test failed:"]
    lines += [f"  collected: {e.describe().splitlines()[0]}" for e in collector.unexpected()]
    lines += [f"  violation: {v}" for v in fake.violations]
    lines += [f"  unknown route: {r}" for r in fake.unknown_routes]
    lines += [f"  request: {r}" for r in fake.requests[-10:]]
    return "\n".join(lines)
