"""Making user-provided text safe to show: no pings, no masked links, no broken layout, within limits."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

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


def link_target(url: str) -> str | None:
    """``url`` made safe as a markdown link target, or None when it is not a plain http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    # Characters that would end or break the ``(...)`` of a markdown link are percent-encoded.
    return quote(url, safe="/:?#[]@!$&'*+,;=%~.-_")


def source_link(url: str | None, name: str | None, limit: int = 300, *, too_long: str = "") -> str:
    """``Outlet — [host](url)``; the link text is always the real host, so it cannot disguise the target.

    A link that does not fit in ``limit`` becomes the bare host followed by ``too_long``.
    """
    label = safe(name, 100) if name else ""
    sep = " — " if label else ""
    if not url:
        return label or "no source given"
    target = link_target(url)
    host = safe(urlsplit(url).hostname or "", 80)
    if target is None:
        return truncate(label + sep + safe(url, max(20, limit - len(label) - len(sep))), limit)
    link = f"[{host}]({target})"
    if len(label) + len(sep) + len(link) <= limit:
        return label + sep + link
    return truncate(label + sep + host + (f" {too_long}" if too_long else ""), limit)
