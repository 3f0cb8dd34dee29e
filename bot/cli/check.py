"""``onrecord check``: match claims against one server's statements on record.

Single claim: ``onrecord check "claim text" --guild ID [--limit 5] [--format text|jsonl]``.
Batch: ``onrecord check --file CLAIMS --guild ID [--limit 5] --format jsonl`` (``CLAIMS`` of ``-`` reads
stdin). Each input line is ``{"id": "...", "text": "..."}`` or plain text (its id is then the line number);
each output line is ``{"query_id": "...", "matches": [{"statement_id", "external_id", "score", "speaker",
"said_on"}]}``, one per input line and in input order. ``statement_id`` is the per-server ``#number``. A
blank or invalid line gets ``"matches": []`` and an ``"error"``, and the rest go on. The index is built once
for the server; checks made here are not logged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import BotError, ValidationError
from bot.services.claims import MAX_LIMIT, ClaimMatch, ClaimReport, ClaimService
from db import migrate

__all__ = ["Query", "match_to_json", "parse_lines", "register", "run_check", "run_queries"]

CLI_USER = 0  # checks from the command line are never logged, but the service wants a user id


@dataclass(frozen=True, slots=True)
class Query:
    query_id: str
    text: str | None
    error: str | None = None


def parse_line(lineno: int, line: str) -> Query:
    """A JSON object ``{"id", "text"}`` or a plain-text claim whose id is the line number."""
    fallback = str(lineno)
    stripped = line.strip()
    if not stripped:
        return Query(fallback, None, "blank line")
    if not stripped.startswith(("{", "[")):
        return Query(fallback, stripped)
    try:
        obj = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if stripped.startswith("["):  # "[VIDEO] the mayor said …" is a plain-text claim
            return Query(fallback, stripped)
        return Query(fallback, None, f"not valid JSON ({exc.msg})")
    if not isinstance(obj, dict):
        return Query(fallback, None, "each line must be a JSON object or plain text")
    raw_id = obj.get("id")
    query_id = fallback if raw_id is None or isinstance(raw_id, dict | list) else str(raw_id)
    text = obj.get("text")
    if not isinstance(text, str):
        return Query(query_id, None, '"text" must be a string')
    if not text.strip():
        return Query(query_id, None, '"text" is empty')
    return Query(query_id, text)


def parse_lines(data: str) -> list[Query]:
    return [parse_line(n, line) for n, line in enumerate(data.splitlines(), start=1)]


def match_to_json(m: ClaimMatch) -> dict[str, Any]:
    s = m.statement
    return {
        "statement_id": s.number,
        "external_id": s.external_id,
        "score": m.score,
        "speaker": s.speaker_name,
        "said_on": s.said_on.isoformat() if s.said_on else None,
    }


def _jsonl(query_id: str, report: ClaimReport | None, error: str | None) -> str:
    row: dict[str, Any] = {
        "query_id": query_id,
        "matches": [match_to_json(m) for m in report.matches] if report else [],
    }
    if error is not None:
        row["error"] = error
    return json.dumps(row) + "\n"


_VERDICT_TEXT = {
    "on_record": "On record",
    "related": "Related statements on record",
    "none": "Nothing on record matches this claim",
}


def _text(query_id: str, report: ClaimReport | None, error: str | None, *, show_id: bool) -> str:
    head = f"[{query_id}] " if show_id else ""
    if report is None:
        return f"{head}error: {error}\n"
    lines = [f"{head}{_VERDICT_TEXT[report.verdict]}"]
    for i, m in enumerate(report.matches, start=1):
        s = m.statement
        who = f"{s.speaker_name} ({s.speaker_title})" if s.speaker_title else s.speaker_name
        when = s.said_on.isoformat() if s.said_on else "date unknown"
        ext = f"  [{s.external_id}]" if s.external_id else ""
        lines.append(f"{i:>3}. #{s.number}  score {m.score:.1f}  {who}, {when}{ext}")
        lines.append(f"     {' '.join(s.text.split())}")
        if s.source_url:
            lines.append(f"     {s.source_url}")
    return "\n".join(lines) + "\n"


async def run_queries(
    claims: ClaimService, guild_id: int, queries: Sequence[Query], *, limit: int, fmt: str, out: IO[str]
) -> int:
    """Answer every query in order (one output line per query in jsonl); returns how many failed."""
    failed = 0
    for q in queries:
        report: ClaimReport | None = None
        error = q.error
        if q.text is not None:
            try:
                report = await claims.check(guild_id, q.text, user_id=CLI_USER, limit=limit, log=False)
            except BotError as exc:
                error = exc.user_message
        if report is None:
            failed += 1
        if fmt == "jsonl":
            out.write(_jsonl(q.query_id, report, error))
        else:
            out.write(_text(q.query_id, report, error, show_id=len(queries) > 1))
    out.flush()
    return failed


def _read(path: str, stdin: IO[str]) -> str:
    if path == "-":
        return stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"No file at {path}.") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a directory, not a file of claims.") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text.") from None


def run_check(
    args: argparse.Namespace,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Handle ``onrecord check``; return the process exit status."""
    from bot.app import with_database
    from bot.cli.core import settings_from_env
    from bot.container import build_services

    out, err = stdout or sys.stdout, stderr or sys.stderr
    if not 1 <= args.limit <= MAX_LIMIT:
        raise ValidationError(f"--limit must be between 1 and {MAX_LIMIT}.")
    if args.file is not None:
        if args.claim is not None:
            raise ValidationError("Give either a claim or --file, not both.")
        queries = parse_lines(_read(args.file, stdin or sys.stdin))
        fmt = args.format or "jsonl"
    elif args.claim is not None:
        text = args.claim
        queries = [Query("1", text) if text.strip() else Query("1", None, "the claim is empty")]
        fmt = args.format or "text"
    else:
        raise ValidationError('Give a claim to check, e.g. onrecord check "claim text" --guild ID.')
    settings = settings_from_env()

    async def action(engine: AsyncEngine) -> int:
        await migrate.upgrade(engine)
        services = build_services(settings, engine)
        if await services.index.build(args.guild) == 0:
            err.write(f"onrecord check: guild {args.guild} has no published statements; nothing can match.\n")
        return await run_queries(services.claims, args.guild, queries, limit=args.limit, fmt=fmt, out=out)

    failed = asyncio.run(with_database(settings, action))
    if failed:
        err.write(f"onrecord check: {failed} of {len(queries)} line(s) could not be checked.\n")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "check",
        help="check claims against one server's statements on record",
        description='Rank one server\'s published statements against a claim ("onrecord check TEXT") or '
        'against every line of a file ("--file CLAIMS", lines {"id", "text"} or plain text). Batch output is '
        'one JSON line per input line, in order: {"query_id", "matches": [{"statement_id" (the #number), '
        '"external_id", "score" (0-100), "speaker", "said_on"}]}; bad lines carry an "error".',
    )
    parser.add_argument("claim", nargs="?", help="the claim to check (omit with --file)")
    parser.add_argument("--file", help="claims to check, one per line (JSONL or plain text), or - for stdin")
    parser.add_argument("--guild", type=int, required=True, help="the Discord server (guild) id")
    parser.add_argument("--limit", type=int, default=5, help="matches per claim (default 5)")
    parser.add_argument(
        "--format",
        choices=("text", "jsonl"),
        help="output format (default: text for one claim, jsonl for --file)",
    )
    parser.set_defaults(handler=run_check)
