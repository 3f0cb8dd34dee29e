"""Bulk import and export of statements (CSV and JSON Lines), all or nothing, idempotent by external id."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dates import parse_record_date
from bot.domain import NewStatement
from bot.errors import BotError, ValidationError
from bot.services import validation
from bot.services.clock import Clock, utc_now
from bot.services.index_sync import IndexSync
from bot.services.snapshots import changed, snapshot
from bot.services.validation import UNKNOWN_SPEAKER
from bot.text import name_key, text_key
from db.base import Base
from db.models import SpeakerRow, StatementRow
from db.repositories import audit_repo, bulk, guild_config_repo, speakers_repo, statements_repo

Format = Literal["csv", "jsonl"]
FIELDS = (
    "text",
    "speaker",
    "speaker_title",
    "date",
    "kind",
    "context",
    "source_url",
    "source_name",
    "topics",
    "external_id",
)
MAX_PROBLEMS_SHOWN = 50
Progress = Callable[[int], object]


class ImportRejected(BotError):
    """Some rows are invalid; nothing was imported. ``problems`` holds (line, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        lines = [f"line {n}: {msg}" for n, msg in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        summary = f"{len(problems)} problem(s); nothing was imported:\n" + "\n".join(lines)
        super().__init__(summary, summary)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    statement: NewStatement


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    speakers_created: int


def detect_format(path: str, explicit: str | None) -> Format:
    if explicit in ("csv", "jsonl"):
        return explicit  # type: ignore[return-value]  # checked just above
    return "csv" if path.lower().endswith(".csv") else "jsonl"


def _raw_rows(data: str, fmt: Format) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, raw record or an error message)."""
    if fmt == "jsonl":
        for n, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, f"not valid JSON ({exc.msg})"
                continue
            yield n, obj if isinstance(obj, dict) else "each line must be a JSON object"
        return
    reader = csv.DictReader(io.StringIO(data, newline=""))
    missing = [f for f in ("text",) if f not in (reader.fieldnames or [])]
    if missing:
        yield 1, f"the CSV header lacks {', '.join(missing)} (columns: {', '.join(FIELDS)})"
        return
    for record in reader:
        if None in record:
            yield reader.line_num, "this row has more cells than the header"
            continue
        yield reader.line_num, dict(record)


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValidationError(f"`{key}` must be text")
    return value


def parse_row(obj: dict[str, Any]) -> NewStatement:
    raw_topics = obj.get("topics")
    if isinstance(raw_topics, list):
        topics = validation.topics([str(t) for t in raw_topics])
    else:
        topics = validation.split_topics(_text(obj, "topics"))
    raw_date = _text(obj, "date")
    said_on = parse_record_date(raw_date) if raw_date and raw_date.strip() else None
    speaker = (_text(obj, "speaker") or "").strip() or UNKNOWN_SPEAKER
    return validation.new_statement(
        NewStatement(
            text=_text(obj, "text") or "",
            speaker=speaker,
            said_on=said_on,
            kind=validation.kind(_text(obj, "kind") or "direct"),
            speaker_title=_text(obj, "speaker_title"),
            speaker_kind=validation.speaker_kind(_text(obj, "speaker_kind") or "person"),
            context=_text(obj, "context") if obj.get("context") is not None else _text(obj, "title"),
            source_url=_text(obj, "source_url"),
            source_name=_text(obj, "source_name"),
            topics=topics,
            external_id=_text(obj, "external_id") if obj.get("external_id") is not None else _text(obj, "id"),
        )
    )


def parse_rows(data: str, fmt: Format) -> list[ImportRow]:
    """Validate every row; raise ImportRejected listing every problem with its line number."""
    rows: list[ImportRow] = []
    problems: list[tuple[int, str]] = []
    seen_ids: dict[str, int] = {}
    for line, raw in _raw_rows(data, fmt):
        if isinstance(raw, str):
            problems.append((line, raw))
            continue
        try:
            st = parse_row(raw)
        except BotError as exc:
            problems.append((line, exc.user_message))
            continue
        if st.external_id is not None:
            if st.external_id in seen_ids:
                problems.append(
                    (line, f"external_id `{st.external_id}` repeats line {seen_ids[st.external_id]}")
                )
                continue
            seen_ids[st.external_id] = line
        rows.append(ImportRow(line, st))
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([(0, "the file holds no statements")])
    return rows


def _export_record(st: StatementRow, speaker: SpeakerRow) -> dict[str, Any]:
    return {
        "text": st.text,
        "speaker": speaker.name,
        "speaker_title": st.speaker_title,
        "date": st.said_on.isoformat() if st.said_on else None,
        "kind": st.kind,
        "context": st.context,
        "source_url": st.source_url,
        "source_name": st.source_name,
        "topics": list(st.topics or ()),
        "external_id": st.external_id,
        "speaker_kind": speaker.kind,
        "status": st.status,
    }


class RecordsService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        index: IndexSync | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._index = index
        self._clock = clock

    async def import_rows(
        self, guild_id: int, rows: list[ImportRow], *, actor_id: int, progress: Progress | None = None
    ) -> ImportReport:
        """Insert or update every row in one transaction; a failure leaves the database untouched."""
        now = self._clock()
        created = updated = unchanged = speakers_created = 0
        async with self._sessions.begin() as session:
            speaker_ids: dict[str, int] = {}
            for sid, alias, _canonical in await speakers_repo.all_names(session, guild_id):
                speaker_ids[name_key(alias)] = sid
            keys = {name: name_key(name) for name in {r.statement.speaker for r in rows}}
            speaker_names: dict[int, str] = {}
            missing: dict[str, NewStatement] = {}
            for r in rows:
                key = keys[r.statement.speaker]
                if key not in speaker_ids and key not in missing:
                    missing[key] = r.statement
            if missing:
                speaker_ids.update(
                    await speakers_repo.bulk_create(
                        session, guild_id, [(st.speaker, st.speaker_kind) for st in missing.values()], now
                    )
                )
                speakers_created = len(missing)
            ext_ids = [r.statement.external_id for r in rows if r.statement.external_id]
            existing = await statements_repo.by_external_ids(session, guild_id, ext_ids)
            new_rows = [r for r in rows if r.statement.external_id not in existing]
            first = await guild_config_repo.reserve_statement_numbers(session, guild_id, len(new_rows), now)
            values: list[dict[str, Any]] = []
            for i, r in enumerate(new_rows):
                s = r.statement
                values.append(
                    {
                        "guild_id": guild_id,
                        "number": first + i,
                        "text": s.text,
                        "speaker_id": speaker_ids[keys[s.speaker]],
                        "speaker_title": s.speaker_title,
                        "said_on": s.said_on,
                        "kind": s.kind,
                        "context": s.context,
                        "source_url": s.source_url,
                        "source_name": s.source_name,
                        "topics": list(s.topics),
                        "external_id": s.external_id,
                        "status": "published",
                        "text_key": text_key(s.text),
                        "added_by": actor_id,
                        "created_at": now,
                        "edit_count": 0,
                    }
                )
            audits: list[dict[str, Any]] = []
            table = Base.metadata.tables["statements"]
            for start in range(0, len(values), 5000):
                chunk = values[start : start + 5000]
                await bulk.insert_rows(session, table, chunk)
                created += len(chunk)
                if progress:
                    progress(len(chunk))
            if values:
                await audit_repo.record_creates(
                    session, guild_id, first, len(values), actor_id=actor_id, at=now, reason="import"
                )
            for r in rows:
                row = existing.get(r.statement.external_id or "")
                if row is None:
                    continue
                s = r.statement
                old_name = speaker_names.get(row.speaker_id)
                if old_name is None:
                    sp_row = await speakers_repo.get_any(session, guild_id, row.speaker_id)
                    old_name = speaker_names[row.speaker_id] = sp_row.name if sp_row else ""
                before = snapshot(row, old_name)
                row.text, row.text_key = s.text, text_key(s.text)
                row.speaker_id = speaker_ids[keys[s.speaker]]
                row.speaker_title, row.said_on, row.kind = s.speaker_title, s.said_on, s.kind
                row.context, row.source_url, row.source_name = s.context, s.source_url, s.source_name
                row.topics = list(s.topics)
                old, new = changed(before, snapshot(row, s.speaker))
                if old or new:
                    row.edited_at, row.edited_by, row.edit_count = now, actor_id, row.edit_count + 1
                    audits.append(
                        {
                            "guild_id": guild_id,
                            "statement_id": row.id,
                            "speaker_id": None,
                            "action": "edit",
                            "actor_id": actor_id,
                            "at": now,
                            "before": old,
                            "after": new,
                            "reason": "import",
                        }
                    )
                    updated += 1
                else:
                    unchanged += 1
                if progress:
                    progress(1)
            await bulk.insert_rows(session, Base.metadata.tables["audit_entries"], audits)
        if self._index is not None:
            await self._index.catch_up()  # the same audit-log path other processes follow
        return ImportReport(created, updated, unchanged, speakers_created)

    async def export(self, guild_id: int, *, include_hidden: bool = False) -> AsyncIterator[dict[str, Any]]:
        async with self._sessions() as session:
            async for st, sp in statements_repo.stream_guild(session, guild_id):
                if include_hidden or st.status == "published":
                    yield _export_record(st, sp)


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*FIELDS, "speaker_kind", "status"], lineterminator="\n")
    writer.writeheader()
    for rec in records:
        row = dict(rec)
        row["topics"] = ", ".join(rec.get("topics") or [])
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return buf.getvalue()
