"""Making user-provided text safe to show: no pings, no masked links, no broken layout, within limits."""

from __future__ import annotations

import re

import discord

ELLIPSIS = "…"
_LINE_START = re.compile(r"(^|\n)([ \t]*(?:#{1,3} |>|-# |[-*+] |\d+\. ))")


def _escape_line_start(m: re.Match[str]) -> str:
    marker = m[2]
    if marker.rstrip().endswith("."):
        return m[1] + marker.rstrip()[:-1] + "\\. "
    stripped = marker.lstrip()
    return m[1] + marker[: len(marker) - len(stripped)] + "\\" + stripped


def safe(text: str | None, limit: int | None = None, *, more: str | None = None) -> str:
    """Escape markdown and mentions in ``text`` and cut it to ``limit`` characters (``more`` is appended
    after the ellipsis when something was cut, e.g. a pointer to ``/quote show``)."""
    if not text:
        return ""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text, as_needed=False))
    # escape_markdown leaves `[x](y)` alone on some versions: break the masked-link syntax explicitly.
    escaped = escaped.replace("](", "]\u200b(")
    # Headings, quotes and lists only render at a line start: escape those markers too.
    escaped = _LINE_START.sub(_escape_line_start, escaped)
    if limit is None or len(escaped) <= limit:
        return escaped
    tail = ELLIPSIS + (f" {more}" if more else "")
    if len(tail) * 2 > limit:
        tail = ELLIPSIS
    cut = escaped[: max(0, limit - len(tail))]
    # Never end inside an escape sequence: drop a dangling backslash.
    cut = cut.rstrip("\\")
    return cut + tail


def truncate(text: str, limit: int) -> str:
    """Cut already-safe text to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip("\\") + ELLIPSIS


def code(text: str, limit: int = 100) -> str:
    """User input echoed back inside backticks, with backticks neutralised."""
    cleaned = text.replace("`", "ˋ").replace("\n", " ")
    return f"`{truncate(cleaned, limit) or ' '}`"
