"""The whole process path: `run_bot` (the composition root behind `onrecord run`) against the fake Discord."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from bot.app import run_bot
from bot.settings import Settings
from db import migrate
from db.engine import make_engine
from tests.fakediscord import FAKE_TOKEN, FakeDiscord, World

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_bot_connects_then_shuts_down_cleanly_on_signal(
    sig: signal.Signals, db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeDiscord(World.default())
    await fake.start()
    try:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        settings = Settings(discord_token=FAKE_TOKEN, database_url=db_url)
        task = asyncio.create_task(run_bot(settings))
        await fake.wait_until(
            lambda: fake.intents is not None and bool(fake.commands), timeout_s=10, what="login"
        )
        assert fake.intents is not None
        assert fake.intents & PRIVILEGED_INTENTS == 0
        os.kill(os.getpid(), sig)
        await asyncio.wait_for(task, timeout=10)  # returns normally: `onrecord run` then exits 0
    finally:
        await fake.stop()
    assert "received" in caplog.text
    assert "stopped" in caplog.text
    assert FAKE_TOKEN not in caplog.text
    engine = make_engine(db_url)
    assert await migrate.current(engine) == migrate.head()
    await engine.dispose()
