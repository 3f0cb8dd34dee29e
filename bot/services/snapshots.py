"""Conversions from ORM rows to domain objects and JSON-safe audit snapshots."""

from __future__ import annotations

from typing import Any

from bot.domain import Statement
from bot.services import validation
from db.models import SpeakerRow, StatementRow

AUDITED_FIELDS = (
    "text",
    "speaker",
    "speaker_title",
    "said_on",
    "kind",
    "context",
    "source_url",
    "source_name",
    "topics",
    "status",
)


def statement_from_row(
    row: StatementRow, speaker: SpeakerRow, aliases: list[str] | tuple[str, ...] = ()
) -> Statement:
    status = row.status if row.status in ("published", "pending", "removed") else "removed"
    return Statement(
        id=row.id,
        guild_id=row.guild_id,
        number=row.number,
        text=row.text,
        speaker_id=speaker.id,
        speaker_name=speaker.name,
        speaker_kind=validation.speaker_kind(speaker.kind),
        speaker_title=row.speaker_title,
        said_on=row.said_on,
        kind=validation.kind(row.kind),
        context=row.context,
        source_url=row.source_url,
        source_name=row.source_name,
        topics=tuple(row.topics or ()),
        external_id=row.external_id,
        status=status,  # type: ignore[arg-type]  # narrowed by the check above
        added_by=row.added_by,
        created_at=row.created_at,
        edited_at=row.edited_at,
        edited_by=row.edited_by,
        edit_count=row.edit_count,
        speaker_aliases=tuple(aliases),
    )


def snapshot(row: StatementRow, speaker_name: str) -> dict[str, Any]:
    """JSON-safe values of the audited fields."""
    return {
        "text": row.text,
        "speaker": speaker_name,
        "speaker_title": row.speaker_title,
        "said_on": row.said_on.isoformat() if row.said_on else None,
        "kind": row.kind,
        "context": row.context,
        "source_url": row.source_url,
        "source_name": row.source_name,
        "topics": list(row.topics or ()),
        "status": row.status,
    }


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for a compact audit entry."""
    keys = [k for k in AUDITED_FIELDS if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
