"""Loopback fake Discord for end-to-end tests of the real, unmodified bot.

The bot talks to an aiohttp server on 127.0.0.1 that serves the REST API and the gateway; the test
plays Discord::

    async def test_ping(monkeypatch: pytest.MonkeyPatch) -> None:
        world = World.default()
        async with run_bot(lambda: make_bot(guild_ready_timeout=0.05), world, monkeypatch) as env:
            result = await env.fake.slash("ping", member=world.guilds[0].moderator)
            assert result.content == "pong"
            assert env.fake.messages_without_allowed_mentions() == []

``run_bot`` fails the test at exit if the bot raised anything (``CollectedErrors``) or sent a request
Discord would reject (``fake.violations``). See ``harness.py``, ``server.py`` and ``world.py``.
"""

from tests.fakediscord.collector import CollectedError, CollectedErrors, ErrorCollector
from tests.fakediscord.harness import BotEnv, run_bot
from tests.fakediscord.payloads import OptionValue, Where
from tests.fakediscord.results import (
    Callback,
    CommandHidden,
    CommandNotSynced,
    FakeDiscordError,
    InteractionResult,
    InvalidInput,
    RecordedFile,
    RecordedRequest,
    Violation,
    WaitTimeout,
)
from tests.fakediscord.server import FAKE_TOKEN, FakeDiscord
from tests.fakediscord.world import Attachment, Channel, Guild, Member, Role, User, World

__all__ = [
    "FAKE_TOKEN",
    "Attachment",
    "BotEnv",
    "Callback",
    "Channel",
    "CollectedError",
    "CollectedErrors",
    "CommandHidden",
    "CommandNotSynced",
    "ErrorCollector",
    "FakeDiscord",
    "FakeDiscordError",
    "Guild",
    "InteractionResult",
    "InvalidInput",
    "Member",
    "OptionValue",
    "RecordedFile",
    "RecordedRequest",
    "Role",
    "User",
    "Violation",
    "WaitTimeout",
    "Where",
    "World",
    "run_bot",
]
