"""`onrecord digest preview --guild ID [--subscription N] [--date YYYY-MM-DD]`: a digest as Markdown."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dates import parse_iso
from db import migrate


def _preview(args: argparse.Namespace) -> int:
    from bot.app import with_database
    from bot.cli.core import settings_from_env
    from bot.container import build_services
    from bot.ui.digests import to_markdown

    settings = settings_from_env()
    local_date = parse_iso(args.date) if args.date else None

    async def action(engine: AsyncEngine) -> str:
        await migrate.upgrade(engine)
        services = build_services(settings, engine)
        try:
            await services.index.build(args.guild)
            document = await services.digests.preview(args.guild, args.subscription, local_date=local_date)
        finally:
            await services.feeds.close()
        return to_markdown(document)

    sys.stdout.write(asyncio.run(with_database(settings, action)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    digest = sub.add_parser("digest", help="daily digests", description="Preview a server's daily digest.")
    actions = digest.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    preview = actions.add_parser(
        "preview",
        help="print a digest as Markdown, escaped exactly as Discord shows it",
        description="Print what a digest would post (now, or at its post time on --date) as Markdown. "
        "Without a digest in the server, the default settings are used.",
    )
    preview.add_argument("--guild", type=int, required=True, help="the Discord server (guild) id")
    preview.add_argument("--subscription", type=int, help="the digest number shown by /digest list")
    preview.add_argument("--date", help="the local date to preview, YYYY-MM-DD (default: today)")
    preview.set_defaults(handler=_preview)
