"""``onrecord extract``: propose the quotations in an article (or a JSONL batch of articles).

Single article: ``onrecord extract FILE --published YYYY-MM-DD [--format text|jsonl]`` (``FILE`` of
``-`` reads stdin). Batch: ``onrecord extract --cases FILE --format jsonl``; each input line is
``{"id", "text", "published"}`` and each output line ``{"id", "quotes": [...]}`` in input order. A bad
line is reported on stderr and as ``{"id": ..., "error": "..."}`` without stopping the rest; the exit
code is 1 when any line was bad, else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterable
from datetime import date
from typing import IO, Any

from bot.dates import parse_record_date
from bot.errors import ValidationError
from bot.services.extraction import ProposedQuote, extract_quotes

__all__ = ["quote_to_json", "register", "run_extract"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``extract`` subcommand to the ``onrecord`` CLI."""
    parser = subparsers.add_parser(
        "extract",
        help="propose the quotations in a news article",
        description="Propose the attributed quotations and paraphrases in a news article.",
    )
    parser.add_argument("file", nargs="?", help="article text file, or - for stdin")
    parser.add_argument("--published", type=_parse_date, help="publication date, YYYY-MM-DD")
    parser.add_argument("--outlet", help="the publishing outlet (never taken as a speaker when it reports)")
    parser.add_argument("--url", help="the article URL")
    parser.add_argument("--cases", help='JSONL file of {"id", "text", "published"} lines, or - for stdin')
    parser.add_argument("--format", choices=("text", "jsonl"), default="text", help="output format")
    parser.set_defaults(handler=run_extract)


def published_date(value: object) -> date | None:
    """A publication date as an import file's dates are read (YYYY-MM-DD, an ISO date-time, "July 11, 2024");
    None when empty. Anything else raises ValueError with a clear message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValidationError):
            return parse_record_date(value)
    raise ValueError(f'"published" must be a date, YYYY-MM-DD (or an ISO date-time), not {str(value)[:40]!r}')


def _parse_date(value: str) -> date:
    try:
        parsed = published_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}")
    return parsed


def quote_to_json(q: ProposedQuote) -> dict[str, Any]:
    """The JSON shape of one proposal in the CLI's output."""
    return {
        "quote": q.quote,
        "speaker": q.speaker,
        "speaker_title": q.speaker_title,
        "date": q.said_on.isoformat() if q.said_on else None,
        "kind": q.kind,
        "confidence": q.confidence,
    }


def _read(path: str, stdin: IO[str]) -> str:
    if path == "-":
        return stdin.read()
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def run_extract(
    args: argparse.Namespace,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Handle ``onrecord extract``; return the process exit code."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    if args.cases:
        return _run_cases(_read(args.cases, stdin).splitlines(), out, err)
    if not args.file:
        err.write("onrecord extract: give a FILE (or -) or --cases FILE\n")
        return 2
    try:
        text = _read(args.file, stdin)
    except OSError as exc:
        err.write(f"onrecord extract: cannot read {args.file}: {exc.strerror or exc}\n")
        return 1
    quotes = extract_quotes(text, args.published, outlet=args.outlet, url=args.url)
    if args.format == "jsonl":
        for q in quotes:
            out.write(json.dumps(quote_to_json(q), ensure_ascii=False) + "\n")
    else:
        _write_text(quotes, out)
    return 0


def _write_text(quotes: Iterable[ProposedQuote], out: IO[str]) -> None:
    n = 0
    for q in quotes:
        n += 1
        who = q.speaker or "(unknown)"
        if q.speaker_title:
            who = f"{who} ({q.speaker_title})"
        when = q.said_on.isoformat() if q.said_on else "date not stated"
        out.write(f"{n}. [{q.kind}] {who}, {when}, confidence {q.confidence:.2f}\n   {q.quote}\n")
    if n == 0:
        out.write("No attributed quotations found.\n")


def _run_cases(lines: Iterable[str], out: IO[str], err: IO[str]) -> int:
    status = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case_id: Any = None
        try:
            try:
                case = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc.msg})") from exc
            if not isinstance(case, dict):
                raise ValueError("line is not a JSON object")
            case_id = case.get("id")
            text = case.get("text")
            if not isinstance(text, str):
                raise ValueError('"text" must be a string')
            published = published_date(case.get("published"))
            quotes = extract_quotes(text, published)
        except (ValueError, TypeError) as exc:
            status = 1
            message = str(exc) or type(exc).__name__
            err.write(f"onrecord extract: line {lineno}: {message}\n")
            out.write(json.dumps({"id": case_id, "error": message}, ensure_ascii=False) + "\n")
            continue
        row = {"id": case_id, "quotes": [quote_to_json(q) for q in quotes]}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return status
