"""The `onrecord` command line: `run`, `db`, and one subcommand per feature."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dotenv import load_dotenv

from bot import __version__
from bot.errors import BotError, ConfigError

_ORDER = {"core": 0, "records": 1}.get  # the rest follow alphabetically


def _order(name: str) -> int:
    return _ORDER(name, 9)


def build_parser() -> argparse.ArgumentParser:
    import importlib
    import pkgutil

    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    modules = [importlib.import_module(f"{__name__}.{name}") for name in sorted(names, key=_order)]

    parser = argparse.ArgumentParser(
        prog="onrecord",
        description="OnRecord: keeps what officials said on the record (Discord bot and tools).",
    )
    parser.add_argument("--version", action="version", version=f"onrecord {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status. Expected failures print one line, never a traceback."""
    load_dotenv()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except ConfigError as exc:
        print(f"onrecord: {exc.user_message}", file=sys.stderr)  # noqa: T201
        return 1
    except BotError as exc:
        print(f"onrecord: {exc.user_message}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 130


def environ() -> dict[str, str]:
    return dict(os.environ)
