"""Every file of the shared feed corpus through parse_feed: no exception, headlines or a recorded reason.

The corpus (2,351 files, see ../shared/data/feeds/README.md) is parsed the way the bot parses a download:
bytes plus response headers plus the final URL. feedparser's unit files carry the HTTP headers their test
expects in a leading ``Header:`` comment; those are passed as response headers (with upstream's default
``text/xml`` when none is given). The whole sweep takes about 5 s on one core.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.feed_parse import SUMMARY_MAX_CHARS, TITLE_MAX_CHARS, parse_feed
from tests.unit.feedserver import CORPUS_ROOT

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json"}
FILES = sorted(p for p in CORPUS_ROOT.rglob("*") if p.suffix in SUFFIXES)
_HEADER_LINE = re.compile(rb"^Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)


def corpus_headers(body: bytes) -> dict[str, str]:
    """The ``Header:`` lines of a feedparser unit file's leading comment, lower-cased; text/xml by default."""
    head = body[:2048].replace(b"\x00", b"")  # UTF-16/32 files: good enough for ASCII header lines
    headers = {
        name.decode("ascii", "replace").lower(): value.decode("latin-1")
        for name, value in _HEADER_LINE.findall(head)
    }
    headers.setdefault("content-type", "application/json" if head.lstrip().startswith(b"{") else "text/xml")
    return headers


def test_corpus_is_complete() -> None:
    assert len(FILES) == 2351


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS_ROOT)))
def test_parse_feed_corpus_file_gives_headlines_or_reason(path: Path) -> None:
    body = path.read_bytes()
    url = f"https://feeds.example/{path.relative_to(CORPUS_ROOT)}"
    feed = parse_feed(body, headers=corpus_headers(body), url=url, now=NOW)

    assert feed.headlines or feed.problem
    assert (feed.problem is None) == bool(feed.headlines)
    keys = [h.entry_key for h in feed.headlines]
    assert len(keys) == len(set(keys))
    for headline in feed.headlines:
        assert headline.entry_key
        assert 0 < len(headline.title) <= TITLE_MAX_CHARS
        assert "\n" not in headline.title
        assert headline.title == headline.title.strip()
        assert len(headline.summary) <= SUMMARY_MAX_CHARS
        assert headline.link is None or headline.link.startswith(("http://", "https://"))
        if headline.published is not None:
            assert headline.published.tzinfo is UTC
            assert datetime(1990, 1, 1, tzinfo=UTC) <= headline.published <= NOW + timedelta(days=1)
