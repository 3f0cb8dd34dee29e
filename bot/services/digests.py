"""Daily digests: subscriptions, pure composition (DTOs in, DigestDocument out) and exactly-once posting.

Scheduling: a subscription is due when its local post time has passed for its local date and no
``digest_posts`` row exists for (subscription, local date). A process claims the slot by inserting that row
(the unique constraint decides who wins) *before* it sends anything, then records the message ids. A claim
left in status ``claimed`` by a crash is taken over once, after ``STALE_CLAIM``, by a conditional UPDATE
that only one process can win. Days already past are never back-filled.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import BotError, NotFound, ValidationError
from bot.services.clock import Clock, utc_now
from bot.services.clustering import Story, cluster_headlines, rank_stories
from bot.services.guild_config import DEFAULT_RELATED, check_timezone
from bot.services.matching import MatchIndex
from db.models import DigestSubscriptionRow
from db.repositories import claims_repo, digests_repo, feeds_repo, guild_config_repo

log = logging.getLogger(__name__)

Section = Literal["headlines", "statements", "related"]
SECTIONS: tuple[Section, ...] = ("headlines", "statements", "related")
SECTION_TITLES: dict[Section, str] = {
    "headlines": "Top headlines",
    "statements": "New on the record",
    "related": "Related statements on record",
}
DEFAULT_POST_TIME = time(8, 0)
DEFAULT_MAX_ITEMS = 10
MAX_ITEMS = 25
MAX_SUBSCRIPTIONS = 10
STALE_CLAIM = timedelta(minutes=10)
DELAY_GRACE = timedelta(minutes=15)
"""Posting later than this after the slot marks the digest as delayed (the bot was down)."""
HEADLINE_WINDOW = timedelta(hours=24)
MAX_HEADLINE_WINDOW = timedelta(hours=48)
MAX_STATEMENT_WINDOW = timedelta(days=7)
RELATED_PER_HEADLINE = 2
MAX_RELATED_HEADLINES = 5
MAX_NEW_STATEMENTS = 50
MAX_CLUSTERED_HEADLINES = 1500  # newest first; clustering is quadratic in the headlines
SHOWN_OUTLETS = 2
EXCERPT_CHARS = 300

RunResult = Literal["posted", "empty-skipped", "failed", "lost"]


# ---- errors ------------------------------------------------------------------------------------------


class SubscriptionNotFound(NotFound):
    def __init__(self, number: int) -> None:
        super().__init__(f"No digest #{number} in this server. Try `/digest list`.")
        self.number = number


class DigestDeliveryError(BotError):
    """The poster could not deliver (channel gone, missing permission); recorded, shown in `/digest list`."""

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail, f"The digest could not be posted: {reason}.")
        self.reason = reason


# ---- DTOs --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    guild_id: int
    number: int
    channel_id: int
    post_time: time
    timezone: str
    max_items: int = DEFAULT_MAX_ITEMS
    sections: tuple[Section, ...] = SECTIONS
    post_empty: bool = True
    is_paused: bool = False
    last_result: str | None = None
    last_posted_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    subscription: Subscription
    next_post_at: datetime | None
    """Next scheduled post (UTC); None while paused."""


@dataclass(frozen=True, slots=True)
class DigestHeadline:
    id: int
    title: str
    link: str | None
    outlet: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class DigestStatement:
    id: int
    number: int
    speaker_name: str
    text: str
    said_on: date | None
    source_url: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedStatement:
    statement: DigestStatement
    score: float


@dataclass(frozen=True, slots=True)
class DigestInput:
    local_date: date
    timezone: str
    stories: Sequence[Story[DigestHeadline]]
    statements: Sequence[DigestStatement] = ()
    related: Mapping[int, Sequence[RelatedStatement]] = field(default_factory=dict)
    """Keyed by the lead headline's id."""
    sections: Sequence[Section] = SECTIONS
    post_empty: bool = True
    subscription_number: int | None = None
    post_time: time | None = None
    is_delayed: bool = False
    claims_checked: int = 0
    """Claims members checked with /claim since the previous digest."""


@dataclass(frozen=True, slots=True)
class StoryEntry:
    title: str
    link: str | None
    outlets: tuple[str, ...]
    """Up to ``SHOWN_OUTLETS`` names."""
    more_sources: int
    local_time: str


@dataclass(frozen=True, slots=True)
class StatementEntry:
    number: int
    text: str
    said_on: str


@dataclass(frozen=True, slots=True)
class SpeakerGroup:
    speaker: str
    statements: tuple[StatementEntry, ...]


@dataclass(frozen=True, slots=True)
class RelatedMatchEntry:
    number: int
    speaker: str
    said_on: str
    text: str


@dataclass(frozen=True, slots=True)
class RelatedEntry:
    headline: str
    link: str | None
    matches: tuple[RelatedMatchEntry, ...]


@dataclass(frozen=True, slots=True)
class DigestDocument:
    """What a digest says, independent of how it is shown (Discord embeds or Markdown)."""

    title: str
    local_date: date | None
    sections: tuple[Section, ...] = SECTIONS
    stories: tuple[StoryEntry, ...] = ()
    groups: tuple[SpeakerGroup, ...] = ()
    related: tuple[RelatedEntry, ...] = ()
    note: str | None = None
    """A one-line note shown instead of sections (empty day, notices)."""
    footer: str | None = None
    headline_count: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.stories or self.groups or self.related)


@dataclass(frozen=True, slots=True)
class RunOutcome:
    guild_id: int
    subscription_number: int
    local_date: date
    result: RunResult
    is_delayed: bool = False
    message_ids: tuple[int, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PostNowResult:
    subscription: Subscription
    document: DigestDocument
    message_ids: tuple[int, ...]


class Poster(Protocol):
    async def post(self, channel_id: int, document: DigestDocument) -> list[int]:
        """Send the document; return the message ids. Raise DigestDeliveryError when it cannot."""
        ...


# ---- pure helpers ------------------------------------------------------------------------------------

_TIME_24 = re.compile(r"^([01]?\d|2[0-3])(?:[:h.]([0-5]\d))?$|^([01]\d|2[0-3])([0-5]\d)$")
_TIME_12 = re.compile(r"^(0?[1-9]|1[0-2])(?::([0-5]\d))?\s*(am|pm)$")


def parse_post_time(raw: str) -> time:
    """`08:00`, `8:00`, `20h30`, `7am`, `7:30 pm` → a time of day."""
    text = raw.strip().lower().replace(" ", "")
    if m := _TIME_12.match(text):
        hour = int(m[1]) % 12 + (12 if m[3] == "pm" else 0)
        return time(hour, int(m[2] or 0))
    if m := _TIME_24.match(text):
        if m[3] is not None:
            return time(int(m[3]), int(m[4]))
        return time(int(m[1]), int(m[2] or 0))
    raise ValidationError(f"`{raw[:20]}` is not a time of day; use 24-hour `HH:MM`, e.g. `08:00` or `18:30`.")


def format_post_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_sections(raw: str | None) -> tuple[Section, ...]:
    """Comma- or space-separated section names (any order); None or empty means all."""
    if raw is None or not raw.strip():
        return SECTIONS
    aliases: dict[str, Section] = {
        "headlines": "headlines",
        "top": "headlines",
        "statements": "statements",
        "new": "statements",
        "record": "statements",
        "related": "related",
    }
    chosen: set[Section] = set()
    for word in re.split(r"[\s,;]+", raw.strip().lower()):
        if not word:
            continue
        if word not in aliases:
            raise ValidationError(
                f"`{word[:20]}` is not a digest section; choose from `headlines`, `statements`, `related`."
            )
        chosen.add(aliases[word])
    return tuple(s for s in SECTIONS if s in chosen)


def slot_instant(local_date: date, post_time: time, tz_name: str) -> datetime:
    """The UTC instant of ``post_time`` on ``local_date`` in ``tz_name``.

    On a spring-forward day a time that does not exist (02:30) means the same wall-clock distance after the
    gap (03:30); on a fall-back day an ambiguous time means its first occurrence.
    """
    local = datetime.combine(local_date, post_time, tzinfo=ZoneInfo(tz_name))
    return local.astimezone(UTC)


def local_date_of(now: datetime, tz_name: str) -> date:
    return now.astimezone(ZoneInfo(tz_name)).date()


def is_slot_due(sub: Subscription, now: datetime) -> tuple[bool, date, datetime]:
    """Whether today's (local) slot has come; returns (due, local date, slot instant)."""
    today = local_date_of(now, sub.timezone)
    slot = slot_instant(today, sub.post_time, sub.timezone)
    created_before = sub.created_at is None or sub.created_at <= slot
    return now >= slot and created_before, today, slot


def next_post_at(sub: Subscription, now: datetime, *, today_done: bool) -> datetime | None:
    if sub.is_paused:
        return None
    today = local_date_of(now, sub.timezone)
    slot = slot_instant(today, sub.post_time, sub.timezone)
    created_before = sub.created_at is None or sub.created_at <= slot
    if not today_done and created_before:
        return max(slot, now)
    return slot_instant(today + timedelta(days=1), sub.post_time, sub.timezone)


def digest_title(local_date: date) -> str:
    return f"Headlines — {local_date:%A}, {local_date:%B} {local_date.day}, {local_date.year}"


def long_date(value: date | None) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else "date unknown"


def _local_time(moment: datetime, tz: ZoneInfo, local_date: date) -> str:
    local = moment.astimezone(tz)
    if local.date() == local_date:
        return f"{local:%H:%M}"
    return f"{local:%b} {local.day}, {local:%H:%M}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


def top_stories(headlines: Iterable[DigestHeadline], max_items: int) -> list[Story[DigestHeadline]]:
    """Cluster headlines into stories and keep the best ``max_items`` (most outlets, then most recent)."""
    stories = cluster_headlines(headlines, seen_at=lambda h: h.published_at)
    return rank_stories(stories)[: max(0, max_items)]


def compose(data: DigestInput) -> DigestDocument:
    """Turn what was read into what the digest says. Pure: no IO, no clock."""
    tz = ZoneInfo(data.timezone)
    sections = tuple(s for s in SECTIONS if s in data.sections)
    stories: tuple[StoryEntry, ...] = ()
    if "headlines" in sections:
        stories = tuple(
            StoryEntry(
                title=s.lead.title,
                link=s.lead.link,
                outlets=s.outlets[:SHOWN_OUTLETS],
                more_sources=max(0, s.outlet_count - SHOWN_OUTLETS),
                local_time=_local_time(s.last_seen, tz, data.local_date),
            )
            for s in data.stories
        )
    groups: tuple[SpeakerGroup, ...] = ()
    if "statements" in sections:
        by_speaker: dict[str, list[StatementEntry]] = {}
        for st in data.statements:
            by_speaker.setdefault(st.speaker_name, []).append(
                StatementEntry(st.number, _excerpt(st.text), long_date(st.said_on))
            )
        groups = tuple(
            SpeakerGroup(name, tuple(sorted(items, key=lambda e: e.number)))
            for name, items in sorted(by_speaker.items(), key=lambda kv: kv[0].casefold())
        )
    related: list[RelatedEntry] = []
    if "related" in sections:
        for story in data.stories:
            matches = data.related.get(story.lead.id, ())
            if not matches:
                continue
            related.append(
                RelatedEntry(
                    headline=story.lead.title,
                    link=story.lead.link,
                    matches=tuple(
                        RelatedMatchEntry(
                            m.statement.number,
                            m.statement.speaker_name,
                            long_date(m.statement.said_on),
                            _excerpt(m.statement.text),
                        )
                        for m in sorted(matches, key=lambda m: -m.score)[:RELATED_PER_HEADLINE]
                    ),
                )
            )
            if len(related) >= MAX_RELATED_HEADLINES:
                break
    footer_parts = []
    if data.claims_checked:
        footer_parts.append(f"{data.claims_checked} claim{'s' if data.claims_checked != 1 else ''} checked")
    if data.subscription_number is not None:
        footer_parts.append(f"Digest #{data.subscription_number}")
    if data.post_time is not None:
        footer_parts.append(f"{format_post_time(data.post_time)} {data.timezone}")
    if data.is_delayed:
        footer_parts.append("posted late: the bot was offline at the scheduled time")
    document = DigestDocument(
        title=digest_title(data.local_date),
        local_date=data.local_date,
        sections=sections,
        stories=stories,
        groups=groups,
        related=tuple(related),
        footer=" · ".join(footer_parts) or None,
        headline_count=sum(len(s.headlines) for s in data.stories) if "headlines" in sections else 0,
    )
    if document.is_empty:
        note = "No new headlines or statements on record since the last digest." if data.post_empty else None
        return DigestDocument(
            title=document.title,
            local_date=data.local_date,
            sections=sections,
            note=note,
            footer=document.footer,
        )
    return document


def feed_disabled_notice(label: str, url: str, error: str | None) -> DigestDocument:
    reason = f" The last error was: {error}" if error else ""
    return DigestDocument(
        title="A feed was turned off",
        local_date=None,
        note=(
            f"The feed {label} ({url}) failed for 24 hours in a row, so OnRecord stopped fetching it.{reason} "
            "Check the address, then turn it back on with /feeds enable."
        ),
    )


def _subscription(row: DigestSubscriptionRow) -> Subscription:
    hour, minute = (int(p) for p in row.post_time.split(":"))
    return Subscription(
        id=row.id,
        guild_id=row.guild_id,
        number=row.number,
        channel_id=row.channel_id,
        post_time=time(hour, minute),
        timezone=row.timezone,
        max_items=row.max_items,
        sections=tuple(s for s in SECTIONS if s in (row.sections or SECTIONS)),
        post_empty=row.post_empty,
        is_paused=row.is_paused,
        last_result=row.last_result,
        last_posted_at=row.last_posted_at,
        created_at=row.created_at,
    )


def default_instance_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# ---- the service -------------------------------------------------------------------------------------


class DigestService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        index: MatchIndex | None = None,
        clock: Clock = utc_now,
        instance_id: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._index = index
        self._clock = clock
        self.instance_id = instance_id or default_instance_id()
        self._undelivered_notices: set[int] = set()

    # ---- subscriptions ---------------------------------------------------------------------------

    async def setup(
        self,
        guild_id: int,
        *,
        channel_id: int,
        post_time: str,
        timezone: str,
        max_items: int = DEFAULT_MAX_ITEMS,
        sections: str | None = None,
        post_empty: bool = True,
        actor_id: int,
    ) -> Subscription:
        at = parse_post_time(post_time)
        tz = check_timezone(timezone)
        chosen = parse_sections(sections)
        if not chosen:
            raise ValidationError("Choose at least one section: `headlines`, `statements` or `related`.")
        if not 1 <= max_items <= MAX_ITEMS:
            raise ValidationError(f"`max_items` must be between 1 and {MAX_ITEMS}.")
        now = self._clock()
        async with self._sessions.begin() as session:
            existing = await digests_repo.subscriptions(session, guild_id)
            if len(existing) >= MAX_SUBSCRIPTIONS:
                raise ValidationError(
                    f"This server already has {MAX_SUBSCRIPTIONS} digests; remove one with `/digest remove` first."
                )
            number = await guild_config_repo.reserve_subscription_number(session, guild_id, now)
            row = await digests_repo.add_subscription(
                session,
                guild_id,
                number=number,
                channel_id=channel_id,
                post_time=format_post_time(at),
                timezone=tz,
                max_items=max_items,
                sections=chosen,
                post_empty=post_empty,
                created_by=actor_id,
                now=now,
            )
            sub = _subscription(row)
        log.info("digest #%d set up in guild %d", sub.number, guild_id)
        return sub

    async def list_subscriptions(self, guild_id: int) -> list[SubscriptionView]:
        now = self._clock()
        async with self._sessions.begin() as session:
            subs = [_subscription(r) for r in await digests_repo.subscriptions(session, guild_id)]
            dates = [local_date_of(now, s.timezone) for s in subs]
            posts = await digests_repo.posts_on(session, dates, guild_id=guild_id)
        return [
            SubscriptionView(
                s, next_post_at(s, now, today_done=(s.id, local_date_of(now, s.timezone)) in posts)
            )
            for s in subs
        ]

    async def get(self, guild_id: int, number: int) -> Subscription:
        async with self._sessions.begin() as session:
            row = await digests_repo.get_subscription(session, guild_id, number)
            if row is None:
                raise SubscriptionNotFound(number)
            return _subscription(row)

    async def set_paused(self, guild_id: int, number: int, *, is_paused: bool) -> Subscription:
        async with self._sessions.begin() as session:
            row = await digests_repo.get_subscription(session, guild_id, number)
            if row is None:
                raise SubscriptionNotFound(number)
            row.is_paused = is_paused
            return _subscription(row)

    async def remove(self, guild_id: int, number: int) -> Subscription:
        async with self._sessions.begin() as session:
            row = await digests_repo.get_subscription(session, guild_id, number)
            if row is None:
                raise SubscriptionNotFound(number)
            sub = _subscription(row)
            await digests_repo.remove_subscription(session, guild_id, number)
        return sub

    async def choices(self, guild_id: int, fragment: str) -> list[tuple[int, str]]:
        views = await self.list_subscriptions(guild_id)
        out = []
        for v in views:
            s = v.subscription
            label = f"#{s.number} at {format_post_time(s.post_time)} {s.timezone}{' (paused)' if s.is_paused else ''}"
            if fragment.strip() in label:
                out.append((s.number, label[:100]))
        return out[:25]

    # ---- composition -----------------------------------------------------------------------------

    async def _default_subscription(self, guild_id: int) -> Subscription:
        async with self._sessions.begin() as session:
            config = await guild_config_repo.get(session, guild_id)
        return Subscription(
            id=0,
            guild_id=guild_id,
            number=0,
            channel_id=0,
            post_time=DEFAULT_POST_TIME,
            timezone=config.timezone if config and config.timezone else "UTC",
        )

    async def build(
        self, sub: Subscription, now: datetime, *, local_date: date | None = None, is_delayed: bool = False
    ) -> DigestDocument:
        """Read what the digest needs (short transactions), then compose it."""
        day = local_date or local_date_of(now, sub.timezone)
        since = now - HEADLINE_WINDOW
        if sub.last_posted_at is not None and now - MAX_STATEMENT_WINDOW <= sub.last_posted_at < now:
            since = sub.last_posted_at
        headlines_since = max(since, now - MAX_HEADLINE_WINDOW)
        async with self._sessions.begin() as session:
            config = await guild_config_repo.get(session, sub.guild_id)
            threshold = (
                config.match_related
                if config is not None and config.match_related is not None
                else DEFAULT_RELATED
            )
            headlines: list[DigestHeadline] = []
            if "headlines" in sub.sections or "related" in sub.sections:
                headlines = [
                    DigestHeadline(h.id, h.title, h.link, name or h.outlet or "", h.published_at)
                    for h, name in await feeds_repo.headlines_between(
                        session, sub.guild_id, headlines_since, now
                    )
                ]
            statements: list[DigestStatement] = []
            if "statements" in sub.sections:
                rows = await digests_repo.statements_created_between(
                    session, sub.guild_id, since, now, limit=MAX_NEW_STATEMENTS
                )
                statements = [
                    DigestStatement(st.id, st.number, sp.name, st.text, st.said_on, st.source_url)
                    for st, sp in rows
                ]
            claims_checked = await claims_repo.count_since(session, sub.guild_id, since)
        # Clustering is pairwise and CPU-bound: keep it off the event loop, and bounded.
        stories = await asyncio.to_thread(top_stories, headlines[:MAX_CLUSTERED_HEADLINES], sub.max_items)
        related = await self._related(sub, stories, threshold) if "related" in sub.sections else {}
        return compose(
            DigestInput(
                local_date=day,
                timezone=sub.timezone,
                stories=stories,
                statements=statements,
                related=related,
                sections=sub.sections,
                post_empty=sub.post_empty,
                subscription_number=sub.number or None,
                post_time=sub.post_time,
                is_delayed=is_delayed,
                claims_checked=claims_checked,
            )
        )

    async def _related(
        self, sub: Subscription, stories: Sequence[Story[DigestHeadline]], threshold: float
    ) -> dict[int, list[RelatedStatement]]:
        if self._index is None or not stories:
            return {}
        index = self._index

        def search_all() -> dict[int, list[tuple[int, float]]]:
            found: dict[int, list[tuple[int, float]]] = {}
            for story in stories:
                hits = index.search(sub.guild_id, story.lead.title, limit=RELATED_PER_HEADLINE)
                good = [(h.statement_id, h.score) for h in hits if h.score >= threshold]
                if good:
                    found[story.lead.id] = good
            return found

        wanted = await asyncio.to_thread(search_all)
        if not wanted:
            return {}
        ids = sorted({sid for pairs in wanted.values() for sid, _ in pairs})
        async with self._sessions.begin() as session:
            rows = await digests_repo.statements_by_ids(session, sub.guild_id, ids)
            found = {
                st.id: DigestStatement(st.id, st.number, sp.name, st.text, st.said_on, st.source_url)
                for st, sp in rows
            }
        return {
            headline_id: [RelatedStatement(found[sid], score) for sid, score in pairs if sid in found]
            for headline_id, pairs in wanted.items()
        }

    async def preview(
        self, guild_id: int, number: int | None = None, *, local_date: date | None = None
    ) -> DigestDocument:
        """What would post now (or at the post time of ``local_date``); default settings without a subscription."""
        if number is not None:
            sub = await self.get(guild_id, number)
        else:
            async with self._sessions.begin() as session:
                rows = await digests_repo.subscriptions(session, guild_id)
                first = _subscription(rows[0]) if rows else None
            sub = first or await self._default_subscription(guild_id)
        now = self._clock()
        if local_date is not None:
            now = slot_instant(local_date, sub.post_time, sub.timezone)
            sub = replace(sub, last_posted_at=None)
        return await self.build(sub, now, local_date=local_date)

    async def post_now(self, guild_id: int, number: int, poster: Poster) -> PostNowResult:
        """Post a digest immediately (outside the daily schedule, which it does not consume)."""
        sub = await self.get(guild_id, number)
        now = self._clock()
        document = await self.build(sub, now)
        try:
            ids = await poster.post(sub.channel_id, document)
        except DigestDeliveryError as exc:
            await self._set_result(sub, f"failed: {exc.reason}", None)
            raise
        await self._set_result(
            sub, f"posted on request ({len(ids)} message{'s' if len(ids) != 1 else ''})", now
        )
        return PostNowResult(sub, document, tuple(ids))

    async def _set_result(self, sub: Subscription, result: str, posted_at: datetime | None) -> None:
        async with self._sessions.begin() as session:
            await digests_repo.set_last_result(session, sub.guild_id, sub.id, result, posted_at)

    # ---- the schedule ----------------------------------------------------------------------------

    async def due(self, now: datetime) -> list[tuple[Subscription, date, datetime, int | None]]:
        """Subscriptions whose slot has come: (subscription, local date, slot, stale post id or None)."""
        async with self._sessions.begin() as session:
            subs = [_subscription(r) for r in await digests_repo.active_subscriptions_all_guilds(session)]
            checks = [(s, *is_slot_due(s, now)) for s in subs]
            posts = await digests_repo.posts_on(session, [d for _, is_due, d, _ in checks if is_due])
        out: list[tuple[Subscription, date, datetime, int | None]] = []
        for sub, is_due, day, slot in checks:
            if not is_due:
                continue
            existing = posts.get((sub.id, day))
            if existing is None:
                out.append((sub, day, slot, None))
            elif (
                existing.status == "claimed"
                and existing.attempts == 1
                and existing.claimed_at < now - STALE_CLAIM
            ):
                out.append((sub, day, slot, existing.id))
        return out

    async def run_due(self, now: datetime, poster: Poster) -> list[RunOutcome]:
        """Post every due digest exactly once, then deliver pending feed notices. Never raises for one guild."""
        outcomes: list[RunOutcome] = []
        for sub, day, slot, stale_id in await self.due(now):
            try:
                outcome = await self._run_one(sub, day, slot, stale_id, now, poster)
            except Exception:  # loop guard: one subscription's failure never stops the others
                log.exception("digest #%d of guild %d failed unexpectedly", sub.number, sub.guild_id)
                continue
            if outcome is not None:
                outcomes.append(outcome)
        try:
            await self.deliver_feed_notices(poster)
        except Exception:  # loop guard
            log.exception("delivering feed notices failed")
        return outcomes

    async def _claim(
        self, sub: Subscription, day: date, now: datetime, *, is_delayed: bool, stale_id: int | None
    ) -> int | None:
        try:
            async with self._sessions.begin() as session:
                if stale_id is not None:
                    won = await digests_repo.reclaim_stale(
                        session,
                        sub.guild_id,
                        stale_id,
                        claimed_by=self.instance_id,
                        now=now,
                        older_than=now - STALE_CLAIM,
                    )
                    return stale_id if won else None
                return await digests_repo.claim(
                    session,
                    sub.guild_id,
                    subscription_id=sub.id,
                    local_date=day,
                    claimed_by=self.instance_id,
                    now=now,
                    is_delayed=is_delayed,
                )
        except IntegrityError:
            return None  # another process claimed this (subscription, day)

    async def _run_one(
        self,
        sub: Subscription,
        day: date,
        slot: datetime,
        stale_id: int | None,
        now: datetime,
        poster: Poster,
    ) -> RunOutcome | None:
        is_delayed = stale_id is not None or now - slot > DELAY_GRACE
        post_id = await self._claim(sub, day, now, is_delayed=is_delayed, stale_id=stale_id)
        if post_id is None:
            return RunOutcome(sub.guild_id, sub.number, day, "lost")
        try:
            document = await self.build(sub, now, local_date=day, is_delayed=is_delayed)
        except Exception:
            await self._finish(sub, post_id, now, "failed", [], 0, "internal error while composing")
            raise
        if document.is_empty and document.note is None:
            await self._finish(sub, post_id, now, "skipped", [], 0, None, result="nothing to post")
            return RunOutcome(sub.guild_id, sub.number, day, "empty-skipped", is_delayed)
        try:
            ids = await poster.post(sub.channel_id, document)
        except DigestDeliveryError as exc:
            log.warning("digest #%d of guild %d not delivered: %s", sub.number, sub.guild_id, exc)
            await self._finish(sub, post_id, now, "failed", [], 0, exc.reason)
            return RunOutcome(sub.guild_id, sub.number, day, "failed", is_delayed, error=exc.reason)
        except Exception:
            await self._finish(sub, post_id, now, "failed", [], 0, "internal error while posting")
            raise
        late = " (late)" if is_delayed else ""
        await self._finish(
            sub,
            post_id,
            now,
            "posted",
            ids,
            document.headline_count,
            None,
            result=f"posted {day.isoformat()}{late}: {len(ids)} message{'s' if len(ids) != 1 else ''}",
        )
        log.info("digest #%d of guild %d posted (%d messages)", sub.number, sub.guild_id, len(ids))
        return RunOutcome(sub.guild_id, sub.number, day, "posted", is_delayed, tuple(ids))

    async def _finish(
        self,
        sub: Subscription,
        post_id: int,
        now: datetime,
        status: str,
        ids: Sequence[int],
        headline_count: int,
        error: str | None,
        *,
        result: str | None = None,
    ) -> None:
        async with self._sessions.begin() as session:
            await digests_repo.finish(
                session,
                sub.guild_id,
                post_id,
                claimed_by=self.instance_id,
                status=status,
                now=now,
                message_ids=ids,
                headline_count=headline_count,
                error=error,
            )
            await digests_repo.set_last_result(
                session,
                sub.guild_id,
                sub.id,
                result or f"failed: {error}",
                now if status == "posted" else None,
            )

    async def deliver_feed_notices(self, poster: Poster) -> int:
        """Tell each guild about feeds disabled after 24 h of failures, in its digest channel; returns how many.

        The notice goes to the first running digest's channel (then the others, if that one refuses). With no
        running digest in the server, or when no channel takes it, the notice stays pending and is delivered
        once a digest exists or the channel works again; `/feeds list` shows the disabled feed meanwhile.
        """
        async with self._sessions.begin() as session:
            pending = [
                (r.guild_id, r.id, r.name or r.url, r.url, r.last_error)
                for r in await feeds_repo.pending_disable_notices(session)
            ]
            channels: dict[int, list[int]] = {}
            for guild_id, *_ in pending:
                if guild_id not in channels:
                    subs = await digests_repo.subscriptions(session, guild_id)
                    ordered = [s.channel_id for s in subs if not s.is_paused]
                    channels[guild_id] = list(dict.fromkeys(ordered))
        sent = 0
        for guild_id, feed_id, label, url, error in pending:
            targets = channels.get(guild_id) or []
            if not targets:
                continue  # no digest channel yet: keep the notice pending
            async with self._sessions.begin() as session:
                if not await feeds_repo.take_disable_notice(session, guild_id, feed_id):
                    continue  # another process delivers it
            if await self._post_notice(poster, guild_id, feed_id, targets, label, url, error):
                sent += 1
                self._undelivered_notices.discard(feed_id)
                continue
            async with self._sessions.begin() as session:
                await feeds_repo.requeue_disable_notice(session, guild_id, feed_id)
        return sent

    async def _post_notice(
        self,
        poster: Poster,
        guild_id: int,
        feed_id: int,
        channel_ids: Sequence[int],
        label: str,
        url: str,
        error: str | None,
    ) -> bool:
        document = feed_disabled_notice(label, url, error)
        for channel_id in channel_ids:
            try:
                await poster.post(channel_id, document)
            except DigestDeliveryError as exc:
                if feed_id not in self._undelivered_notices:  # warn once per feed, not every tick
                    log.warning("feed %d notice for guild %d not delivered: %s", feed_id, guild_id, exc)
                continue
            return True
        self._undelivered_notices.add(feed_id)
        return False
