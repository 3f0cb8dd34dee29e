"""`onrecord feeds add|list|remove|fetch`, driven through the real CLI entry point against a loopback server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.settings import Settings
from db.engine import make_engine, make_sessionmaker
from db.models import FeedRow
from tests.db.test_feeds_loopback import Item, LoopbackFeeds


@pytest.fixture
def server() -> Iterator[LoopbackFeeds]:
    """The loopback server on its own thread and loop (the CLI runs its own ``asyncio.run``)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: list[LoopbackFeeds] = []

    async def serve() -> None:
        async with LoopbackFeeds() as srv:
            holder.append(srv)
            started.set()
            await srv.stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(5)
    srv = holder[0]
    now = datetime.now(UTC)
    srv.items["a"] = [
        Item(f"Story {i}", f"https://news.example/{i}", now - timedelta(hours=i)) for i in range(3)
    ]
    yield srv
    loop.call_soon_threadsafe(srv.stop.set)
    thread.join(5)
    loop.close()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ONRECORD_FETCH_ALLOW_HOSTS", "127.0.0.1")


@pytest.mark.usefixtures("cli_env")
def test_cli_feeds_add_list_fetch_remove(server: LoopbackFeeds, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "add", server.feed_url("a"), "--name", "Daily", "--guild", "9"]) == 0
    out = capsys.readouterr().out
    assert "added #1 Daily — OK" in out
    assert "first fetch: 3 new headlines" in out

    assert main(["feeds", "add", server.url("status/500"), "--guild", "9"]) == 0
    assert "first fetch: failed: The site answered with error 500." in capsys.readouterr().out

    assert main(["feeds", "list", "--guild", "9"]) == 0
    out = capsys.readouterr().out
    assert "#1 Daily — OK" in out
    assert "3 headlines stored" in out
    assert "1 failures in a row: The site answered with error 500." in out

    server.items["a"].append(Item("Story new", "https://news.example/new", datetime.now(UTC)))
    assert main(["feeds", "fetch", "--guild", "9"]) == 0
    out = capsys.readouterr().out
    assert "#1 Daily: 1 new headline" in out
    assert "failed: The site answered with error 500." in out

    assert main(["feeds", "remove", "1", "--guild", "9"]) == 0
    assert "removed feed #1 Daily and its 4 headlines" in capsys.readouterr().out
    assert main(["feeds", "list", "--guild", "10"]) == 0
    assert "follows no feeds" in capsys.readouterr().out


@pytest.mark.usefixtures("cli_env")
def test_cli_feeds_add_blocked_address_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "add", "http://10.1.2.3/rss", "--guild", "9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("onrecord: ")
    assert "private network" in err


@pytest.mark.usefixtures("cli_env")
def test_cli_feeds_remove_unknown_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "remove", "42", "--guild", "9"]) == 1
    assert "No feed #42" in capsys.readouterr().err


@pytest.mark.usefixtures("cli_env")
def test_cli_feeds_edit_and_enable(
    server: LoopbackFeeds, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["feeds", "add", server.feed_url("a"), "--guild", "9"]) == 0
    capsys.readouterr()
    assert main(["feeds", "edit", "1", "--interval", "90", "--name", "Daily", "--guild", "9"]) == 0
    assert "edited #1 Daily — OK; last fetch " in capsys.readouterr().out
    assert main(["feeds", "list", "--guild", "9"]) == 0
    assert "every 90 min" in capsys.readouterr().out
    assert main(["feeds", "edit", "1", "--interval", "5", "--guild", "9"]) == 1
    assert "between 10 and 1440" in capsys.readouterr().err

    assert main(["feeds", "enable", "1", "--guild", "9"]) == 1
    assert "already enabled" in capsys.readouterr().err
    asyncio.run(_disable_feed(settings.database_url, 1))
    assert main(["feeds", "list", "--guild", "9"]) == 0
    out = capsys.readouterr().out
    assert "#1 Daily — disabled" in out
    assert "then `onrecord feeds enable 1`" in out
    assert main(["feeds", "fetch", "--guild", "9"]) == 0
    assert capsys.readouterr().out == "#1 Daily: disabled; not fetched\n"
    assert main(["feeds", "enable", "1", "--guild", "9"]) == 0
    assert "enabled #1 Daily — OK" in capsys.readouterr().out
    assert main(["feeds", "enable", "7", "--guild", "9"]) == 1
    assert "No feed #7" in capsys.readouterr().err


async def _disable_feed(database_url: str, feed_id: int) -> None:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            row = await session.get(FeedRow, feed_id)
            assert row is not None
            row.status = "disabled"
            row.consecutive_failures = 48
            row.next_fetch_at = None
    finally:
        await engine.dispose()
