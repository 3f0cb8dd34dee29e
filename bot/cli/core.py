"""`onrecord run`, `onrecord db upgrade|current`, `onrecord purge`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.log import setup_logging
from bot.settings import Settings, load_settings
from db import migrate


def settings_from_env() -> Settings:
    from bot.cli import environ

    return load_settings(environ())


def _run(args: argparse.Namespace) -> int:
    from bot.app import run_bot

    settings = settings_from_env()
    settings.require_token()
    setup_logging(settings.log_level)
    asyncio.run(run_bot(settings))
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.app import with_database

    settings = settings_from_env()

    async def action(engine: AsyncEngine) -> str | None:
        await migrate.upgrade(engine, args.revision)
        return await migrate.current(engine)

    revision = asyncio.run(with_database(settings, action))
    print(f"database at revision {revision}")  # noqa: T201
    return 0


def _db_current(args: argparse.Namespace) -> int:
    from bot.app import with_database

    settings = settings_from_env()
    revision = asyncio.run(with_database(settings, migrate.current))
    head = migrate.head()
    state = "up to date" if revision == head else f"head is {head}; run `onrecord db upgrade`"
    print(f"{revision or 'empty (no migrations applied)'} ({state})")  # noqa: T201
    return 0


def _purge(args: argparse.Namespace) -> int:
    from bot.app import with_database
    from bot.container import build_services

    if not args.yes:
        print(  # noqa: T201
            f"This deletes every statement, speaker, feed and digest of guild {args.guild} for good. "
            "Run again with --yes to do it.",
            file=sys.stderr,
        )
        return 1
    settings = settings_from_env()

    async def action(engine: AsyncEngine) -> dict[str, int]:
        await migrate.upgrade(engine)
        return await build_services(settings, engine).guild_config.delete_guild_data(args.guild)

    counts = asyncio.run(with_database(settings, action))
    print("deleted: " + ", ".join(f"{n} {table}" for table, n in counts.items()))  # noqa: T201
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser(
        "run",
        help="apply migrations and start the bot",
        description="Apply migrations, then "
        "connect to Discord with DISCORD_TOKEN and serve until SIGINT/SIGTERM.",
    )
    run.set_defaults(handler=_run)

    db = sub.add_parser("db", help="database migrations", description="Inspect or apply database migrations.")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations up to a revision (default: head)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(handler=_db_upgrade)
    cur = db_sub.add_parser("current", help="show the database's revision")
    cur.set_defaults(handler=_db_current)

    purge = sub.add_parser(
        "purge",
        help="delete all data of one server (after the bot was removed and its owner asked)",
        description="Hard-delete every row that belongs to one Discord server. Nothing else ever hard-deletes.",
    )
    purge.add_argument("--guild", type=int, required=True, help="the Discord server (guild) id")
    purge.add_argument("--yes", action="store_true", help="confirm the deletion")
    purge.set_defaults(handler=_purge)
