"""Pure text helpers shared by services: keys for names and statement texts, cleaning of user input."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WS = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WORD = re.compile(r"\w+", re.UNICODE)
# Zero-width and bidirectional controls that can hide or reorder text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def clean(text: str) -> str:
    """Normalise user input: NFC, no control or invisible characters, whitespace collapsed, trimmed."""
    if text.isascii() and text.isprintable():  # the common case, and the import hot path
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return _WS.sub(" ", text).strip()


def clean_multiline(text: str) -> str:
    """Like ``clean`` but keeps paragraph breaks (for statement texts and articles)."""
    if text.isascii() and text.isprintable():  # one plain line: nothing to keep but the words
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    lines = [_WS.sub(" ", _CONTROL.sub(" ", line)).strip() for line in text.splitlines()]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def name_key(name: str) -> str:
    """Case- and spacing-insensitive key for speaker names and aliases."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def text_key(text: str) -> str:
    """Key under which two statements count as the same words (case, punctuation and spacing ignored)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(" ".join(words).encode()).hexdigest()
