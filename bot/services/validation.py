"""Validation of statement fields, shared by Discord forms, imports and extraction approvals."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.domain import (
    MAX_CONTEXT,
    MAX_EXTERNAL_ID,
    MAX_NAME,
    MAX_OUTLET,
    MAX_TEXT,
    MAX_TITLE,
    MAX_TOPIC,
    MAX_TOPICS,
    SPEAKER_KINDS,
    STATEMENT_KINDS,
    NewStatement,
    SpeakerKind,
    StatementKind,
)
from bot.errors import ValidationError
from bot.text import clean, clean_multiline

UNKNOWN_SPEAKER = (
    "Unknown speaker"  # imported rows without a speaker (e.g. fact-check data sets) are filed here
)


def text(value: str) -> str:
    out = clean_multiline(value)
    if not out:
        raise ValidationError("The statement's words are empty; paste the exact words that were said.")
    if len(out) > MAX_TEXT:
        raise ValidationError(f"The statement is {len(out)} characters long; the limit is {MAX_TEXT}.")
    return out


def name(value: str, what: str = "speaker name") -> str:
    out = clean(value)
    if not out:
        raise ValidationError(f"The {what} is empty.")
    if len(out) > MAX_NAME:
        raise ValidationError(f"The {what} is {len(out)} characters long; the limit is {MAX_NAME}.")
    return out


def optional(value: str | None, limit: int, what: str, *, multiline: bool = False) -> str | None:
    if value is None:
        return None
    out = clean_multiline(value) if multiline else clean(value)
    if not out:
        return None
    if len(out) > limit:
        raise ValidationError(f"The {what} is {len(out)} characters long; the limit is {limit}.")
    return out


def url(value: str | None) -> str | None:
    out = optional(value, 2000, "source URL")
    if out is None:
        return None
    parts = urlsplit(out)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in out:
        raise ValidationError(f"The source URL `{out[:80]}` must start with http:// or https://.")
    return out


def kind(value: str) -> StatementKind:
    for k in STATEMENT_KINDS:
        if value == k:
            return k
    aliases = {
        "direct quote": "direct",
        "quote": "direct",
        "partial quote": "partial",
        "written statement": "written",
        "statement": "written",
    }
    mapped = aliases.get(value.strip().lower())
    for k in STATEMENT_KINDS:
        if mapped == k:
            return k
    raise ValidationError(f"`{value[:40]}` is not a kind; use one of {', '.join(STATEMENT_KINDS)}.")


def speaker_kind(value: str) -> SpeakerKind:
    v = value.strip().lower()
    if v in ("org", "organization"):
        v = "organisation"
    for k in SPEAKER_KINDS:
        if v == k:
            return k
    raise ValidationError(f"`{value[:40]}` is not a speaker kind; use person or organisation.")


def topics(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in values:
        t = clean(raw).lower()
        if not t or t in out:
            continue
        if len(t) > MAX_TOPIC:
            raise ValidationError(f"The topic `{t[:40]}` is longer than {MAX_TOPIC} characters.")
        out.append(t)
    if len(out) > MAX_TOPICS:
        raise ValidationError(f"Give at most {MAX_TOPICS} topics.")
    return tuple(out)


def split_topics(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return topics([t for t in raw.replace(";", ",").split(",")])


def new_statement(s: NewStatement) -> NewStatement:
    """Return a cleaned copy of ``s`` or raise ValidationError with one clear sentence."""
    ext = optional(s.external_id, MAX_EXTERNAL_ID, "external id")
    return NewStatement(
        text=text(s.text),
        speaker=name(s.speaker),
        said_on=s.said_on,
        kind=kind(s.kind),
        speaker_title=optional(s.speaker_title, MAX_TITLE, "speaker's title"),
        speaker_kind=speaker_kind(s.speaker_kind),
        context=optional(s.context, MAX_CONTEXT, "context", multiline=True),
        source_url=url(s.source_url),
        source_name=optional(s.source_name, MAX_OUTLET, "outlet name"),
        topics=topics(s.topics),
        external_id=ext,
    )
