"""`onrecord import FILE --guild ID` and `onrecord export --guild ID`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from bot.errors import ValidationError
from bot.services.records import ImportReport, RecordsService, detect_format, parse_rows, to_csv
from db import migrate
from db.engine import make_sessionmaker

CLI_ACTOR = 0  # audit entries made from the command line carry actor id 0


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"No file at {path}.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text.") from None


def _import(args: argparse.Namespace) -> int:
    from bot.app import with_database
    from bot.cli.core import settings_from_env

    fmt = detect_format(args.file, args.format)
    rows = parse_rows(_read(args.file), fmt)
    settings = settings_from_env()
    show = sys.stderr.isatty() and not args.quiet

    async def action(engine: AsyncEngine) -> ImportReport:
        await migrate.upgrade(engine)
        service = RecordsService(make_sessionmaker(engine))
        with tqdm(total=len(rows), unit="row", disable=not show, desc="importing") as bar:
            return await service.import_rows(args.guild, rows, actor_id=CLI_ACTOR, progress=bar.update)

    report = asyncio.run(with_database(settings, action))
    print(  # noqa: T201
        f"imported {len(rows)} rows into guild {args.guild}: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.speakers_created} new speakers"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.app import with_database
    from bot.cli.core import settings_from_env

    settings = settings_from_env()

    async def action(engine: AsyncEngine) -> list[dict[str, Any]]:
        await migrate.upgrade(engine)
        service = RecordsService(make_sessionmaker(engine))
        return [r async for r in service.export(args.guild, include_hidden=args.all)]

    records = asyncio.run(with_database(settings, action))
    if args.format == "csv":
        text = to_csv(records)
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if args.output and args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"exported {len(records)} statements to {args.output}", file=sys.stderr)  # noqa: T201
    else:
        sys.stdout.write(text)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser(
        "import",
        help="import statements from CSV or JSON Lines (all or nothing)",
        description="Import statements into one server. Every row is validated first and all problems are "
        "reported with line numbers; then all rows go in one transaction. Rows whose external_id is already "
        "on record update that statement instead of duplicating it. Fields: text, speaker, speaker_title, "
        "date (YYYY-MM-DD), kind, context, source_url, source_name, topics, external_id.",
    )
    imp.add_argument("file", help="the file to import, or - for standard input")
    imp.add_argument("--guild", type=int, required=True, help="the Discord server (guild) id")
    imp.add_argument("--format", choices=("csv", "jsonl"), help="file format (default: from the extension)")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(handler=_import)

    exp = sub.add_parser(
        "export",
        help="export a server's statements as JSON Lines or CSV",
        description="Export statements in the import format, so export → import round-trips without loss.",
    )
    exp.add_argument("--guild", type=int, required=True, help="the Discord server (guild) id")
    exp.add_argument(
        "--format", choices=("csv", "jsonl"), default="jsonl", help="output format (default jsonl)"
    )
    exp.add_argument("--output", "-o", help="write to this file instead of standard output")
    exp.add_argument("--all", action="store_true", help="include pending and removed statements")
    exp.set_defaults(handler=_export)
