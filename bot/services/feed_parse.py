"""Turn a downloaded feed body into clean headlines.

Pure functions, no IO: the caller downloads the bytes (see ``bot.services.fetch``) and passes the response
headers and the final URL. RSS, RDF and Atom go through feedparser, which is always handed the bytes wrapped
in a ``BytesIO`` (a bare ``bytes`` or ``str`` argument may be read as a file name or fetched as a URL).
JSON Feed 1.0 and 1.1 have their own small parser, because feedparser 6 does not read them.

Every headline text goes through one cleaning path: HTML is converted to text with the stdlib HTML parser
(which unescapes entities exactly once), invisible characters are dropped, whitespace is collapsed and the
result is capped at a fixed length.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import re
import time
import unicodedata
import xml.sax
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser

log = logging.getLogger(__name__)

TITLE_MAX_CHARS = 300
SUMMARY_MAX_CHARS = 500
OUTLET_MAX_CHARS = 100
FALLBACK_TITLE_MAX_CHARS = 120
LINK_MAX_CHARS = 2048
MAX_ENTRIES = 500
"""Entries past this many in one feed are ignored (a digest never needs more)."""

DATE_FLOOR = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

# Problems recorded when a feed yields no headlines, in plain words (logged and shown to moderators).
PROBLEM_EMPTY_RESPONSE = "empty response"
PROBLEM_HTML_PAGE = "not a feed (HTML page)"
PROBLEM_EMPTY_FEED = "empty feed"
PROBLEM_UNSUPPORTED = "unsupported format"
PROBLEM_MALFORMED_XML = "malformed XML with no entries"
PROBLEM_MALFORMED_JSON = "malformed JSON"
PROBLEM_UNSUPPORTED_JSON = "unsupported format (JSON that is not a JSON Feed)"
PROBLEM_NO_USABLE_ENTRIES = "no usable entries (none has a title or a link)"

# Reasons an individual entry was skipped.
SKIP_NO_TITLE_OR_LINK = "no-title-or-link"
SKIP_DUPLICATE_KEY = "duplicate-key"

_RAW_HTML_LIMIT_FACTOR = 40
"""Raw HTML is cut at this many times the output cap before parsing (a 100k-character post is common)."""

_JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
_HTML_SNIFF = re.compile(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_FEED_ROOT_SNIFF = re.compile(rb"<(rss|feed|rdf:rdf|channel)[\s>]", re.IGNORECASE)
_TRAILING_PARTIAL_TAG = re.compile(r"<[^>]*\Z")
_FILE_SUFFIXES = frozenset(
    {"html", "htm", "php", "asp", "aspx", "jsp", "cgi", "xml", "rss", "atom", "json", "md", "txt"}
)
_HOST_LIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedHeadline:
    """One usable entry of a feed, with display-ready text."""

    entry_key: str
    """Stable dedupe key: the entry id, else its link, else ``sha256:`` of title and date."""
    title: str
    link: str | None
    """Absolute http(s) URL, or None."""
    published: datetime | None
    """Aware UTC; None when missing or implausible (the caller then uses the first-seen time)."""
    summary: str
    outlet: str


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    index: int
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    headlines: tuple[ParsedHeadline, ...]
    problem: str | None
    """Why there are no headlines, in plain words; None when there are some."""
    format: str
    """feedparser's version string (``rss20``, ``atom10`` …), ``json`` or ``""`` when unknown."""
    warning: str | None = None
    """Type name of feedparser's bozo exception when the document was not clean (logged, not fatal)."""
    skipped: tuple[SkippedEntry, ...] = ()


# --------------------------------------------------------------------------------------------------------
# Text cleaning


class _TextExtractor(HTMLParser):
    """Collect the text of an HTML fragment; skip scripts, styles and comments; break at block tags."""

    _SKIP = frozenset({"script", "style", "template", "noscript", "head", "title"})
    _BREAK = frozenset(
        {
            "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5",
            "h6", "blockquote", "pre", "hr", "section", "article", "header", "footer", "figure",
            "figcaption", "dt", "dd",
        }
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BREAK:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._BREAK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(fragment: str, *, max_input_chars: int | None = None) -> str:
    """Return the text of an HTML fragment, entities unescaped exactly once.

    Plain text goes through the same path: it has no tags, so only its entities are decoded (this fixes the
    common double-escaped ``&#8217;`` in titles without ever decoding twice).
    """
    if "<" not in fragment and "&" not in fragment:
        return fragment
    if max_input_chars is not None and len(fragment) > max_input_chars:
        fragment = _TRAILING_PARTIAL_TAG.sub("", fragment[:max_input_chars])
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


def _is_invisible(char: str) -> bool:
    # Cf: zero-width characters, soft hyphen, BOM, bidi controls. Cc: control characters.
    # Cs, Co, Cn: surrogates, private use and unassigned code points.
    return unicodedata.category(char) in {"Cf", "Cc", "Cs", "Co", "Cn"}


_ASCII_PRINTABLE = frozenset(chr(c) for c in range(0x20, 0x7F))


def strip_invisible(text: str) -> str:
    """Drop invisible and control characters; whitespace controls become spaces."""
    if all(c in _ASCII_PRINTABLE for c in text):
        return text
    return "".join(
        " " if c in "\t\n\r\x0b\x0c\x85\u2028\u2029" else c
        for c in text
        if c.isspace() or not _is_invisible(c)
    )


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def truncate(text: str, max_chars: int) -> str:
    """Cut ``text`` to at most ``max_chars`` characters, at a word boundary when one is close, adding "…"."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space >= max_chars * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def clean_text(value: str, *, max_chars: int) -> str:
    """HTML → text, entities once, invisible characters dropped, whitespace collapsed, length capped."""
    text = html_to_text(value, max_input_chars=max_chars * _RAW_HTML_LIMIT_FACTOR)
    return truncate(collapse_whitespace(strip_invisible(text)), max_chars)


# --------------------------------------------------------------------------------------------------------
# Links and dates


def clean_link(value: str | None, *, base_url: str) -> str | None:
    """Return an absolute http(s) URL, or None when ``value`` is missing or uses another scheme."""
    if not value:
        return None
    raw = strip_invisible(value).strip()
    if not raw or len(raw) > LINK_MAX_CHARS or any(c.isspace() for c in raw):
        return None
    try:
        absolute = _repair_schemeless(urljoin(base_url, raw), base_url)
        parts = urlsplit(absolute)
        hostname = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not hostname:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, parts.fragment))


def _repair_schemeless(link: str, base_url: str) -> str:
    """Undo the resolution of a scheme-less link (``coghlan.me/post``) as a relative path.

    feedparser resolves it against the feed URL, giving ``https://coghlan.me/coghlan.me/post``; when the
    first segment after the base directory looks like a host name, that host is what the author meant.
    """
    base_dir = base_url[: base_url.rfind("/") + 1] if "://" in base_url else ""
    if not base_dir or not link.startswith(base_dir):
        return link
    first, slash, _ = link[len(base_dir) :].partition("/")
    if not slash or not _HOST_LIKE.match(first) or first.rsplit(".", 1)[-1].lower() in _FILE_SUFFIXES:
        return link
    return urlsplit(base_url).scheme + "://" + link[len(base_dir) :]


def struct_to_datetime(value: time.struct_time | tuple[int, ...] | None) -> datetime | None:
    """Convert feedparser's UTC ``struct_time`` to an aware datetime (year 1 is fine, nothing raises)."""
    if value is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in tuple(value)[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def plausible(value: datetime | None, *, now: datetime) -> datetime | None:
    """Return ``value`` in UTC, or None for pre-1990 placeholders (``0001-01-01``) and future dates."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if value < DATE_FLOOR or value > now + FUTURE_SLACK:
        return None
    return value


def parse_iso_datetime(value: object) -> datetime | None:
    """Parse an RFC 3339 date (JSON Feed); None when it does not parse."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def entry_key(*, entry_id: str | None, link: str | None, title: str, published: datetime | None) -> str:
    """Entry id, else link, else a hash of title and date."""
    if entry_id and entry_id.strip():
        return entry_id.strip()
    if link:
        return link
    stamp = published.isoformat() if published else ""
    return "sha256:" + hashlib.sha256(f"{title}\n{stamp}".encode()).hexdigest()


# --------------------------------------------------------------------------------------------------------
# Parsing


def parse_feed(body: bytes, *, headers: Mapping[str, str], url: str, now: datetime) -> ParsedFeed:
    """Parse a feed body into headlines. Never raises for any input bytes.

    ``headers`` are the HTTP response headers (any case), ``url`` the final URL (base for relative links)
    and ``now`` an aware datetime used to reject future dates.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return _no_headlines("", PROBLEM_EMPTY_RESPONSE, "")
    content_type = lowered.get("content-type", "").split(";")[0].strip().lower()
    looks_like_json = stripped[:1] in {b"{", b"["}
    if looks_like_json or (content_type.endswith("json") and not stripped.startswith(b"<")):
        return _parse_json_feed(body, url=url, now=now)
    return _parse_xml_feed(body, headers=lowered, url=url, now=now)


async def parse_feed_async(body: bytes, *, headers: Mapping[str, str], url: str, now: datetime) -> ParsedFeed:
    """:func:`parse_feed` in a worker thread, so a 1 MB feed does not block the event loop."""
    return await asyncio.to_thread(parse_feed, body, headers=headers, url=url, now=now)


def _no_headlines(title: str, problem: str, fmt: str, *, warning: str | None = None) -> ParsedFeed:
    return ParsedFeed(title=title, headlines=(), problem=problem, format=fmt, warning=warning)


def _parse_xml_feed(body: bytes, *, headers: dict[str, str], url: str, now: datetime) -> ParsedFeed:
    response_headers = {
        k: v
        for k, v in headers.items()
        if k not in {"content-encoding", "content-length", "transfer-encoding"}
    }
    response_headers["content-type"] = _feedparser_content_type(headers.get("content-type", ""))
    response_headers["content-location"] = url
    # A BytesIO, never the bytes themselves: feedparser opens a bytes/str argument as a file path if it can.
    parsed: Any = feedparser.parse(
        io.BytesIO(body), response_headers=response_headers, resolve_relative_uris=True, sanitize_html=True
    )
    fmt = str(parsed.get("version") or "")
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    warning = type(bozo).__name__ if bozo is not None else None
    is_malformed = isinstance(bozo, xml.sax.SAXException)
    feed_info = parsed.get("feed") or {}
    feed_title = clean_text(str(feed_info.get("title") or ""), max_chars=OUTLET_MAX_CHARS)
    entries = parsed.get("entries") or []
    if not entries:
        problem = _why_no_entries(body, fmt=fmt, is_malformed=is_malformed)
        return _no_headlines(feed_title, problem, fmt, warning=warning)
    outlet = feed_title or _host_of(url)
    raw = (_feedparser_entry(entry, now=now) for entry in entries[:MAX_ENTRIES])
    return _assemble(feed_title, raw, outlet=outlet, base_url=url, fmt=fmt, warning=warning)


def _why_no_entries(body: bytes, *, fmt: str, is_malformed: bool) -> str:
    head = body[:4096]
    if _HTML_SNIFF.search(head) and not _FEED_ROOT_SNIFF.search(head):
        return PROBLEM_HTML_PAGE
    if is_malformed:
        return PROBLEM_MALFORMED_XML
    if fmt:
        return PROBLEM_EMPTY_FEED
    return PROBLEM_UNSUPPORTED


def _feedparser_content_type(content_type: str) -> str:
    """The Content-Type to show feedparser.

    Servers label feeds ``text/xml``, ``text/plain``, ``text/html`` or ``application/octet-stream``. Without a
    charset, RFC 3023 makes ``text/*`` mean US-ASCII, which breaks UTF-16 feeds, and non-XML types only add
    warnings; so unless the server names a charset, the XML declaration and byte order mark decide.
    """
    mime, _, params = content_type.partition(";")
    mime = mime.strip().lower()
    charset = next(
        (
            v.strip().strip("\"'")
            for k, _, v in (p.partition("=") for p in params.split(";"))
            if k.strip().lower() == "charset"
        ),
        "",
    )
    is_xml = mime.endswith(("/xml", "+xml"))
    if charset:
        return f"{mime if is_xml else 'application/xml'}; charset={charset}"
    return mime if is_xml and mime != "text/xml" else "application/xml"


@dataclass(frozen=True, slots=True)
class _RawEntry:
    entry_id: str | None
    title: str
    link: str | None
    published: datetime | None
    summary: str


def _feedparser_entry(entry: dict[str, Any], *, now: datetime) -> _RawEntry:
    published = plausible(struct_to_datetime(entry.get("published_parsed")), now=now) or plausible(
        # dict.get: FeedParserDict.get("updated_parsed") falls back to published_parsed with a warning.
        struct_to_datetime(dict.get(entry, "updated_parsed")),
        now=now,
    )
    summary = entry.get("summary") or ""
    if not summary:
        content = entry.get("content") or []
        summary = next((c.get("value") or "" for c in content if c.get("value")), "")
    return _RawEntry(
        entry_id=_str_or_none(entry.get("id")),
        title=str(entry.get("title") or ""),
        link=_str_or_none(entry.get("link")),
        published=published,
        summary=str(summary),
    )


def _assemble(
    feed_title: str,
    raw_entries: Iterable[_RawEntry],
    *,
    outlet: str,
    base_url: str,
    fmt: str,
    warning: str | None,
) -> ParsedFeed:
    headlines: list[ParsedHeadline] = []
    skipped: list[SkippedEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_entries):
        title = clean_text(raw.title, max_chars=TITLE_MAX_CHARS)
        link = clean_link(raw.link, base_url=base_url)
        summary = clean_text(raw.summary, max_chars=SUMMARY_MAX_CHARS)
        if not title and not link:
            skipped.append(SkippedEntry(index, SKIP_NO_TITLE_OR_LINK))
            continue
        if not title:
            # Microblogs and link posts often have no title: show the start of the text, else the link.
            title = truncate(summary, FALLBACK_TITLE_MAX_CHARS) if summary else (link or "")
        key = entry_key(entry_id=raw.entry_id, link=link, title=title, published=raw.published)
        if key in seen:
            skipped.append(SkippedEntry(index, SKIP_DUPLICATE_KEY))
            continue
        seen.add(key)
        headlines.append(
            ParsedHeadline(
                entry_key=key,
                title=title,
                link=link,
                published=raw.published,
                summary=summary,
                outlet=outlet,
            )
        )
    problem = None if headlines else PROBLEM_NO_USABLE_ENTRIES
    return ParsedFeed(
        title=feed_title,
        headlines=tuple(headlines),
        problem=problem,
        format=fmt,
        warning=warning,
        skipped=tuple(skipped),
    )


def _parse_json_feed(body: bytes, *, url: str, now: datetime) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _no_headlines("", PROBLEM_MALFORMED_JSON, "json")
    if not isinstance(document, dict):
        return _no_headlines("", PROBLEM_UNSUPPORTED_JSON, "json")
    version = document.get("version")
    items = document.get("items")
    is_json_feed = isinstance(items, list) and (
        version is None or (isinstance(version, str) and version.startswith(_JSON_FEED_VERSION_PREFIX))
    )
    if not is_json_feed or not isinstance(items, list):
        return _no_headlines("", PROBLEM_UNSUPPORTED_JSON, "json")
    feed_title = clean_text(_text_field(document, "title"), max_chars=OUTLET_MAX_CHARS)
    if not items:
        return _no_headlines(feed_title, PROBLEM_EMPTY_FEED, "json")
    base_url = _text_field(document, "feed_url") or url
    base_url = clean_link(base_url, base_url=url) or url
    raw = (_json_entry(item, now=now) for item in items[:MAX_ENTRIES] if isinstance(item, dict))
    return _assemble(
        feed_title, raw, outlet=feed_title or _host_of(url), base_url=base_url, fmt="json", warning=None
    )


def _json_entry(item: Mapping[str, Any], *, now: datetime) -> _RawEntry:
    published = plausible(parse_iso_datetime(item.get("date_published")), now=now) or plausible(
        parse_iso_datetime(item.get("date_modified")), now=now
    )
    item_id = item.get("id")
    return _RawEntry(
        entry_id=str(item_id) if isinstance(item_id, str | int) and not isinstance(item_id, bool) else None,
        title=_text_field(item, "title"),
        link=_text_field(item, "url") or _text_field(item, "external_url") or None,
        published=published,
        summary=(
            _text_field(item, "summary")
            or _text_field(item, "content_html")
            or _text_field(item, "content_text")
        ),
    )


def _text_field(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    return value if isinstance(value, str) else ""


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
