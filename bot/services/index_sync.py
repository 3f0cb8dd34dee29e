"""Keeps the in-memory match index equal to the published statements in the database."""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Statement
from bot.services.matching import IndexedStatement, MatchIndex
from bot.services.snapshots import statement_from_row
from bot.services.validation import UNKNOWN_SPEAKER
from db.models import SpeakerRow
from db.repositories import audit_repo, speakers_repo, statements_repo

log = logging.getLogger(__name__)


def indexed(s: Statement) -> IndexedStatement:
    return IndexedStatement(
        statement_id=s.id,
        guild_id=s.guild_id,
        number=s.number,
        text=s.text,
        speaker_id=s.speaker_id,
        # Rows imported without a speaker share a placeholder name; it says nothing a claim could match.
        speaker_names=() if s.speaker_name == UNKNOWN_SPEAKER else (s.speaker_name, *s.speaker_aliases),
        speaker_title=s.speaker_title,
        context=s.context,
        topics=s.topics,
        said_on=s.said_on,
    )


GAP_TTL_S = 600.0
MAX_GAPS = 200


def update_gaps(
    gaps: list[tuple[int, int, float]], last_id: int, seen: list[int], now: float
) -> list[tuple[int, int, float]]:
    """Open id ranges after reading ``seen`` (ascending): remove what was seen, add holes newer than
    ``last_id``, forget ranges older than GAP_TTL_S (ids of rolled-back transactions never appear)."""
    seen_set = set(seen)
    out: list[tuple[int, int, float]] = []
    for lo, hi, since in gaps:
        if now - since > GAP_TTL_S:
            continue
        start = lo
        for i in sorted(x for x in seen_set if lo <= x <= hi):
            if start <= i - 1:
                out.append((start, i - 1, since))
            start = i + 1
        if start <= hi:
            out.append((start, hi, since))
    expected = last_id + 1
    for i in sorted(x for x in seen_set if x > last_id):
        if i > expected:
            out.append((expected, i - 1, now))
        expected = i + 1
    return out[-MAX_GAPS:]


class IndexSync:
    """Applies this process's changes at once, and follows the audit log for everyone else's.

    Every change to the record (from this bot, another bot process sharing PostgreSQL, or an `onrecord import`)
    writes an audit entry; ``catch_up`` re-reads the statements and speakers those entries name."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], index: MatchIndex) -> None:
        self._sessions = sessions
        self.index = index
        self.last_audit_id = 0
        # Audit ids another process allocated but had not committed when we read past them (PostgreSQL hands
        # out sequence values before commit): re-read until they appear or GAP_TTL passes (a rollback).
        self.gaps: list[tuple[int, int, float]] = []

    async def catch_up(self, batch: int = 5000) -> int:
        """Apply the changes recorded since the last call; returns how many statements were re-read."""
        total = 0
        while True:
            async with self._sessions() as session:
                open_gaps = [(lo, hi) for lo, hi, _ in self.gaps]
                changes = await audit_repo.changes_since(session, self.last_audit_id, batch, open_gaps)
                if not changes:
                    return total
                statement_ids: dict[int, set[int]] = {}
                speaker_ids: set[tuple[int, int]] = set()
                for _, guild_id, statement_id, speaker_id in changes:
                    if statement_id is not None:
                        statement_ids.setdefault(guild_id, set()).add(statement_id)
                    elif speaker_id is not None:
                        speaker_ids.add((guild_id, speaker_id))
                current: list[Statement] = []
                speakers: dict[int, tuple[SpeakerRow, list[str]] | None] = {}
                for guild_id, ids in statement_ids.items():
                    for row in await statements_repo.by_ids(session, guild_id, sorted(ids)):
                        if row.speaker_id not in speakers:
                            sp = await speakers_repo.get_any(session, guild_id, row.speaker_id)
                            speakers[row.speaker_id] = (
                                None
                                if sp is None
                                else (sp, await speakers_repo.aliases(session, guild_id, sp.id))
                            )
                        entry = speakers[row.speaker_id]
                        if entry is not None:
                            current.append(statement_from_row(row, entry[0], entry[1]))
            self.apply(current)
            for guild_id, speaker_id in speaker_ids:
                await self.refresh_speaker(guild_id, speaker_id)
            self.gaps = update_gaps(self.gaps, self.last_audit_id, [c[0] for c in changes], time.monotonic())
            self.last_audit_id = max(self.last_audit_id, changes[-1][0])
            total += len(current)
            if len(changes) < batch:
                return total

    def apply(self, statements: list[Statement]) -> None:
        """Reflect committed changes: published statements are (re)indexed, others dropped."""
        for s in statements:
            if s.status == "published":
                self.index.upsert(indexed(s))
            else:
                self.index.remove(s.guild_id, s.id)
        # No commit here: the next search commits first (in its worker thread), so the change is matchable
        # at once while any embedding work of the semantic extra stays off the event loop.

    async def build(self, guild_id: int | None = None, batch: int = 5000) -> int:
        """Load every published statement (of one guild, or all) into the index; returns the count."""
        count = 0
        buffer: list[IndexedStatement] = []
        async with self._sessions() as session:
            if guild_id is None:
                self.last_audit_id = await audit_repo.last_id(session)
            speakers: dict[int, tuple[SpeakerRow, list[str]]] = {}
            async for row in statements_repo.stream_published(session, guild_id):
                entry = speakers.get(row.speaker_id)
                if entry is None:
                    sp = await speakers_repo.get_any(session, row.guild_id, row.speaker_id)
                    if sp is None:
                        continue
                    entry = (sp, await speakers_repo.aliases(session, row.guild_id, row.speaker_id))
                    speakers[row.speaker_id] = entry
                sp_row, aliases = entry
                buffer.append(indexed(statement_from_row(row, sp_row, aliases)))
                if len(buffer) >= batch:
                    self.index.add_many(buffer)
                    count += len(buffer)
                    buffer = []
        if buffer:
            self.index.add_many(buffer)
            count += len(buffer)
        log.info("match index built with %d statements", count)
        return count

    async def refresh_speaker(self, guild_id: int, speaker_id: int) -> None:
        """Re-index a speaker's statements after a rename, alias change or merge."""
        async with self._sessions() as session:
            sp = await speakers_repo.get(session, guild_id, speaker_id)
            if sp is None:
                return
            aliases = await speakers_repo.aliases(session, guild_id, speaker_id)
            rows, _ = await statements_repo.page(session, guild_id, speaker_id=speaker_id, limit=1_000_000)
            docs = [indexed(statement_from_row(r, sp, aliases)) for r in rows]
        await asyncio.to_thread(self.index.add_many, docs)
