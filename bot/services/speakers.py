"""Speakers: resolution of typed names (exact, alias, fuzzy), profiles, aliases, edits and merges."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Page, Speaker, SpeakerProfile
from bot.errors import Conflict, SpeakerNotFound, ValidationError
from bot.services import validation
from bot.services.clock import Clock, utc_now
from bot.services.index_sync import IndexSync
from bot.services.snapshots import statement_from_row
from db.models import SpeakerRow
from db.repositories import audit_repo, speakers_repo, statements_repo

SUGGEST_CUTOFF = 72.0  # below this a typed name is treated as a new speaker


@dataclass(frozen=True, slots=True)
class Resolution:
    """Outcome of resolving a typed name: an exact speaker, a suggestion to confirm, or nothing."""

    query: str
    speaker: Speaker | None
    suggestion: Speaker | None = None
    score: float = 0.0


def to_speaker(row: SpeakerRow, aliases: list[str]) -> Speaker:
    kind = validation.speaker_kind(row.kind)
    return Speaker(row.id, row.guild_id, row.name, kind, row.description, tuple(aliases))


class SpeakerService:
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

    async def _load(self, session: AsyncSession, guild_id: int, name: str) -> SpeakerRow:
        row = await speakers_repo.by_alias(session, guild_id, name)
        if row is None:
            raise SpeakerNotFound(name)
        return row

    async def resolve(self, guild_id: int, name: str) -> Resolution:
        """Exact name or alias first; then the closest name, which the caller must confirm."""
        typed = validation.name(name)
        async with self._sessions.begin() as session:
            row = await speakers_repo.by_alias(session, guild_id, typed)
            if row is not None:
                return Resolution(
                    typed, to_speaker(row, await speakers_repo.aliases(session, guild_id, row.id))
                )
            names = await speakers_repo.all_names(session, guild_id)
            if not names:
                return Resolution(typed, None)
            best = process.extractOne(
                typed, [n for _, n, _ in names], scorer=fuzz.WRatio, processor=utils.default_process
            )
            if best is None or best[1] < SUGGEST_CUTOFF:
                return Resolution(typed, None)
            sid = names[best[2]][0]
            srow = await speakers_repo.get(session, guild_id, sid)
            if srow is None:
                return Resolution(typed, None)
            suggestion = to_speaker(srow, await speakers_repo.aliases(session, guild_id, sid))
            return Resolution(typed, None, suggestion, float(best[1]))

    async def get(self, guild_id: int, name: str) -> Speaker:
        async with self._sessions.begin() as session:
            row = await self._load(session, guild_id, name)
            return to_speaker(row, await speakers_repo.aliases(session, guild_id, row.id))

    async def autocomplete(self, guild_id: int, fragment: str, limit: int = 25) -> list[str]:
        """Up to ``limit`` distinct canonical names whose name or alias matches what is typed so far."""
        async with self._sessions.begin() as session:
            hits = await speakers_repo.search_names(session, guild_id, fragment[:100], limit * 2)
            ids = list(dict.fromkeys(sid for sid, _ in hits))[:limit]
            out: list[str] = []
            for sid in ids:
                row = await speakers_repo.get(session, guild_id, sid)
                if row is not None:
                    out.append(row.name)
            return out

    async def profile(self, guild_id: int, name: str, latest: int = 5) -> SpeakerProfile:
        async with self._sessions.begin() as session:
            row = await self._load(session, guild_id, name)
            aliases = await speakers_repo.aliases(session, guild_id, row.id)
            n, first, last = await statements_repo.speaker_stats(session, guild_id, row.id)
            rows, _ = await statements_repo.page(session, guild_id, speaker_id=row.id, limit=latest)
            speaker = to_speaker(row, aliases)
            recent = tuple(statement_from_row(r, row, aliases) for r in rows)
            return SpeakerProfile(speaker, n, first, last, recent)

    async def list(self, guild_id: int, page: int = 1, per_page: int = 10) -> Page[tuple[Speaker, int]]:
        async with self._sessions.begin() as session:
            rows, total = await speakers_repo.page(session, guild_id, (page - 1) * per_page, per_page)
            items = tuple((to_speaker(r, []), n) for r, n in rows)
            return Page(items, total, page, per_page)

    async def add_alias(self, guild_id: int, name: str, alias: str, *, actor_id: int) -> Speaker:
        alias = validation.name(alias, "alias")
        try:
            async with self._sessions.begin() as session:
                row = await self._load(session, guild_id, name)
                owner = await speakers_repo.alias_owner(session, guild_id, alias)
                if owner is not None:
                    other = await speakers_repo.get(session, guild_id, owner.speaker_id)
                    who = other.name if other else "another speaker"
                    raise Conflict(f"`{alias}` already names **{who}** in this server.")
                await speakers_repo.add_alias(session, guild_id, row.id, alias)
                audit_repo.record(
                    session,
                    guild_id,
                    action="alias_add",
                    actor_id=actor_id,
                    at=self._clock(),
                    speaker_id=row.id,
                    after={"alias": alias},
                )
                speaker = to_speaker(row, await speakers_repo.aliases(session, guild_id, row.id))
        except IntegrityError:
            raise Conflict(f"`{alias}` already names a speaker in this server.") from None
        await self._reindex_speaker(guild_id, speaker.id)
        return speaker

    async def remove_alias(self, guild_id: int, name: str, alias: str, *, actor_id: int) -> Speaker:
        async with self._sessions.begin() as session:
            row = await self._load(session, guild_id, name)
            owner = await speakers_repo.alias_owner(session, guild_id, alias)
            if owner is None or owner.speaker_id != row.id:
                raise ValidationError(f"`{alias[:100]}` is not an alias of **{row.name}**.")
            if owner.is_canonical:
                raise ValidationError(
                    f"`{alias[:100]}` is the speaker's name; rename with `/speaker edit` instead."
                )
            await speakers_repo.remove_alias(session, owner)
            audit_repo.record(
                session,
                guild_id,
                action="alias_remove",
                actor_id=actor_id,
                at=self._clock(),
                speaker_id=row.id,
                before={"alias": owner.alias},
            )
            speaker = to_speaker(row, await speakers_repo.aliases(session, guild_id, row.id))
        await self._reindex_speaker(guild_id, speaker.id)
        return speaker

    async def edit(
        self,
        guild_id: int,
        name: str,
        *,
        actor_id: int,
        new_name: str | None = None,
        kind: str | None = None,
        description: str | None = None,
    ) -> Speaker:
        try:
            async with self._sessions.begin() as session:
                row = await self._load(session, guild_id, name)
                before = {"name": row.name, "kind": row.kind, "description": row.description}
                if new_name is not None:
                    clean_name = validation.name(new_name)
                    owner = await speakers_repo.alias_owner(session, guild_id, clean_name)
                    if owner is not None and owner.speaker_id != row.id:
                        raise Conflict(f"`{clean_name}` already names another speaker; merge them instead.")
                    await speakers_repo.rename(session, guild_id, row, clean_name)
                if kind is not None:
                    row.kind = validation.speaker_kind(kind)
                if description is not None:
                    row.description = validation.optional(description, 300, "description")
                row.updated_at = self._clock()
                after = {"name": row.name, "kind": row.kind, "description": row.description}
                audit_repo.record(
                    session,
                    guild_id,
                    action="speaker_edit",
                    actor_id=actor_id,
                    at=self._clock(),
                    speaker_id=row.id,
                    before=before,
                    after=after,
                )
                speaker = to_speaker(row, await speakers_repo.aliases(session, guild_id, row.id))
        except IntegrityError:
            raise Conflict("That name already belongs to another speaker in this server.") from None
        await self._reindex_speaker(guild_id, speaker.id)
        return speaker

    async def merge(self, guild_id: int, source: str, target: str, *, actor_id: int) -> Speaker:
        """Move every statement and name of ``source`` to ``target``; the source stays, marked merged."""
        async with self._sessions.begin() as session:
            src = await self._load(session, guild_id, source)
            dst = await self._load(session, guild_id, target)
            if src.id == dst.id:
                raise ValidationError("Those two names are the same speaker already.")
            moved = await self._move_statements(session, guild_id, src.id, dst.id)
            await speakers_repo.move_aliases(session, guild_id, src.id, dst.id)
            src.merged_into_id = dst.id
            now = self._clock()
            src.updated_at = now
            audit_repo.record(
                session,
                guild_id,
                action="merge",
                actor_id=actor_id,
                at=now,
                speaker_id=dst.id,
                before={"from": src.name, "from_id": src.id},
                after={"into": dst.name, "into_id": dst.id, "statements": moved},
            )
            speaker = to_speaker(dst, await speakers_repo.aliases(session, guild_id, dst.id))
        await self._reindex_speaker(guild_id, speaker.id)
        return speaker

    async def _move_statements(self, session: AsyncSession, guild_id: int, src: int, dst: int) -> int:
        rows, _ = await statements_repo.page(session, guild_id, speaker_id=src, limit=1_000_000)
        moved = 0
        for status in ("pending", "removed"):
            more, _ = await statements_repo.page(
                session, guild_id, status=status, speaker_id=src, limit=1_000_000
            )
            rows.extend(more)
        for r in rows:
            r.speaker_id = dst
            moved += 1
        await session.flush()
        return moved

    async def _reindex_speaker(self, guild_id: int, speaker_id: int) -> None:
        if self._index is not None:
            await self._index.refresh_speaker(guild_id, speaker_id)
