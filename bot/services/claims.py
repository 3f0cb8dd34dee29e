"""Claim checks: is this claim on the record? Ranks published statements, applies the guild's thresholds,
and logs every check (guild, user, claim, best statement, score, verdict) for moderators and the digest."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Statement
from bot.errors import SpeakerNotFound, ValidationError
from bot.services.clock import Clock, utc_now
from bot.services.guild_config import GuildConfigService
from bot.services.matching import MatchIndex, MatchResult, Verdict, verdict
from bot.services.snapshots import statement_from_row
from bot.text import clean
from db.models import SpeakerRow
from db.repositories import claims_repo, speakers_repo, statements_repo

log = logging.getLogger(__name__)

MAX_CLAIM = 4000
MAX_LIMIT = 100
MAX_RECENT = 50


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    """One statement on record that a claim may repeat; ``highlights`` are spans in the statement text."""

    statement: Statement
    score: float
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class ClaimReport:
    claim: str
    verdict: Verdict
    matches: tuple[ClaimMatch, ...]
    strong: float
    related: float
    speaker: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def best(self) -> ClaimMatch | None:
        return self.matches[0] if self.matches else None

    @property
    def shown(self) -> tuple[ClaimMatch, ...]:
        """The matches worth showing a user: those at or above the guild's "related" threshold."""
        return tuple(m for m in self.matches if m.score >= self.related)


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """One logged check, as moderators see it in `/claim recent`."""

    id: int
    user_id: int
    claim: str
    best_number: int | None
    best_score: float | None
    verdict: str
    checked_at: datetime


def clean_claim(text: str) -> str:
    claim = clean(text)
    if not claim:
        raise ValidationError("Give the words of the claim you want to check.")
    return claim[:MAX_CLAIM]


class ClaimService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        index: MatchIndex,
        guild_config: GuildConfigService,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._index = index
        self._guild_config = guild_config
        self._clock = clock

    async def date_range(
        self, guild_id: int, raw_from: str | None, raw_to: str | None
    ) -> tuple[date | None, date | None]:
        """Parse typed `from`/`to` dates relative to today in the guild's time zone."""
        return await self._guild_config.date_range(guild_id, raw_from, raw_to)

    async def check(
        self,
        guild_id: int,
        text: str,
        *,
        user_id: int,
        speaker: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        limit: int = 5,
        log: bool = True,
    ) -> ClaimReport:
        """Rank this guild's published statements against a claim and give the verdict."""
        claim = clean_claim(text)
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"Ask for between 1 and {MAX_LIMIT} matches.")
        if date_from is not None and date_to is not None and date_from > date_to:
            raise ValidationError(
                f"The start date {date_from.isoformat()} is after the end date {date_to.isoformat()}."
            )
        config = await self._guild_config.get(guild_id)
        async with self._sessions.begin() as session:
            speaker_ids: list[int] | None = None
            speaker_name: str | None = None
            if speaker is not None and speaker.strip():
                row = await speakers_repo.by_alias(session, guild_id, clean(speaker))
                if row is None:
                    raise SpeakerNotFound(clean(speaker)[:100])
                speaker_ids, speaker_name = [row.id], row.name
            results = await asyncio.to_thread(
                self._index.search,
                guild_id,
                claim,
                limit=limit,
                speaker_ids=speaker_ids,
                date_from=date_from,
                date_to=date_to,
            )
            matches = await self._load(session, guild_id, results)
            best = matches[0] if matches else None
            outcome: Verdict = (
                verdict(best.score, config.match_strong, config.match_related) if best else "none"
            )
            if log:
                claims_repo.record(
                    session,
                    guild_id,
                    user_id=user_id,
                    claim=claim,
                    best_statement_id=best.statement.id if best else None,
                    best_score=best.score if best else None,
                    verdict=outcome,
                    checked_at=self._clock(),
                )
        return ClaimReport(
            claim=claim,
            verdict=outcome,
            matches=tuple(matches),
            strong=config.match_strong,
            related=config.match_related,
            speaker=speaker_name,
            date_from=date_from,
            date_to=date_to,
        )

    async def _load(
        self, session: AsyncSession, guild_id: int, results: list[MatchResult]
    ) -> list[ClaimMatch]:
        """The statements behind the engine's results, in its order; anything not published is dropped."""
        rows = {
            r.id: r
            for r in await statements_repo.by_ids(session, guild_id, [m.statement_id for m in results])
        }
        speakers: dict[int, tuple[SpeakerRow, list[str]] | None] = {}
        out: list[ClaimMatch] = []
        for m in results:
            row = rows.get(m.statement_id)
            if row is None or row.status != "published":
                continue
            if row.speaker_id not in speakers:
                sp = await speakers_repo.get_any(session, guild_id, row.speaker_id)
                speakers[row.speaker_id] = (
                    (sp, await speakers_repo.aliases(session, guild_id, sp.id)) if sp else None
                )
            entry = speakers[row.speaker_id]
            if entry is None:
                continue
            out.append(ClaimMatch(statement_from_row(row, *entry), m.score, m.highlights))
        return out

    async def recent(self, guild_id: int, limit: int = 10) -> list[ClaimCheck]:
        """The latest checks in a guild, newest first (for moderators)."""
        limit = max(1, min(limit, MAX_RECENT))
        async with self._sessions.begin() as session:
            rows = await claims_repo.recent(session, guild_id, limit)
            return [
                ClaimCheck(
                    id=row.id,
                    user_id=row.user_id,
                    claim=row.claim,
                    best_number=number,
                    best_score=row.best_score,
                    verdict=row.verdict,
                    checked_at=row.checked_at,
                )
                for row, number in rows
            ]

    async def count_since(self, guild_id: int, since: datetime) -> int:
        """How many claims were checked in a guild since ``since`` (the digest's "claims checked today")."""
        async with self._sessions.begin() as session:
            return await claims_repo.count_since(session, guild_id, since)
