"""Feeds: add, list, remove and test them, and poll every feed on its own interval.

Polling never holds a database transaction across a fetch: a short transaction leases the feed (moves its
``next_fetch_at`` forward, so a second process does not fetch it too), the fetch and parse run outside any
transaction under a semaphore, and another short transaction records the outcome and stores new headlines.
Failures back off exponentially; a feed failing continuously for 24 hours is disabled and a notice is queued
for the digest channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import BotError, Conflict, NotFound, ValidationError
from bot.services.clock import Clock, utc_now
from bot.services.feed_parse import PROBLEM_EMPTY_FEED, ParsedFeed, parse_feed_async
from bot.services.fetch import AddressPolicy, Fetcher, FetchError, FetchResult
from bot.text import clean
from db.models import FeedRow
from db.repositories import feeds_repo

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MIN = 30
MIN_INTERVAL_MIN = 10
MAX_INTERVAL_MIN = 24 * 60
MAX_BACKOFF = timedelta(hours=6)
DISABLE_AFTER = timedelta(hours=24)
MAX_FEEDS_PER_GUILD = 50
MAX_NAME = 100
TEST_HEADLINES = 5
_POLL_GRACE_S = 5.0
"""Extra time on top of the fetcher's own timeout before a poll is abandoned (parsing, DB writes)."""

FeedStatus = Literal["ok", "failing", "disabled"]
PollResult = Literal["new", "unchanged", "not-modified", "failed", "disabled", "skipped"]
Parser = Callable[..., Awaitable[ParsedFeed]]


class FeedFetchFailed(BotError):
    """A fetch or parse failed; ``user_message`` explains it in plain words."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail, user_message)


class FeedNotFound(NotFound):
    def __init__(self, feed_id: int) -> None:
        super().__init__(f"No feed #{feed_id} in this server. Try `/feeds list`.")


@dataclass(frozen=True, slots=True)
class FeedInfo:
    id: int
    guild_id: int
    url: str
    name: str | None
    interval_min: int
    status: FeedStatus
    consecutive_failures: int
    last_error: str | None
    last_fetch_at: datetime | None
    next_fetch_at: datetime | None
    headline_count: int
    created_at: datetime

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass(frozen=True, slots=True)
class TestHeadline:
    title: str
    link: str | None
    published: datetime | None
    outlet: str


@dataclass(frozen=True, slots=True)
class FeedTest:
    url: str
    final_url: str
    title: str
    headline_count: int
    newest: tuple[TestHeadline, ...]


@dataclass(frozen=True, slots=True)
class PollOutcome:
    feed_id: int
    guild_id: int
    label: str
    result: PollResult
    new_headlines: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class AddedFeed:
    feed: FeedInfo
    first_poll: PollOutcome


@dataclass(frozen=True, slots=True)
class _Lease:
    """What a poll needs to know about a feed, copied out of its session."""

    feed_id: int
    guild_id: int
    url: str
    label: str
    interval_min: int
    etag: str | None
    last_modified: str | None


def backoff(interval_min: int, failures: int) -> timedelta:
    """Delay before the next try after ``failures`` consecutive failures: doubles each time, capped."""
    exponent = min(max(failures, 1), 10)
    delay: timedelta = timedelta(minutes=interval_min * 2 ** (exponent - 1))
    return min(delay, MAX_BACKOFF)


def feed_status(row: FeedRow) -> FeedStatus:
    if row.status == "disabled":
        return "disabled"
    return "failing" if row.consecutive_failures > 0 else "ok"


def _info(row: FeedRow, headline_count: int) -> FeedInfo:
    return FeedInfo(
        id=row.id,
        guild_id=row.guild_id,
        url=row.url,
        name=row.name,
        interval_min=row.interval_min,
        status=feed_status(row),
        consecutive_failures=row.consecutive_failures,
        last_error=row.last_error,
        last_fetch_at=row.last_fetch_at,
        next_fetch_at=row.next_fetch_at,
        headline_count=headline_count,
        created_at=row.created_at,
    )


def _check_interval(interval_min: int) -> None:
    if not MIN_INTERVAL_MIN <= interval_min <= MAX_INTERVAL_MIN:
        raise ValidationError(
            f"The interval must be between {MIN_INTERVAL_MIN} and {MAX_INTERVAL_MIN} minutes."
        )


def _plain_error(exc: BaseException) -> str:
    """The failure in plain words, for `/feeds list` (never a traceback)."""
    if isinstance(exc, FetchError | BotError):
        return exc.user_message
    if isinstance(exc, TimeoutError):
        return "The site took too long to answer."
    return "Something went wrong while reading the feed."


class FeedService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        fetcher: Fetcher,
        *,
        clock: Clock = utc_now,
        max_concurrency: int = 8,
        timeout_s: float = 20.0,
        allow_hosts: frozenset[str] = frozenset(),
        parser: Parser = parse_feed_async,
    ) -> None:
        self._sessions = sessions
        self._fetcher = fetcher
        self._clock = clock
        self._semaphore = asyncio.Semaphore(max(1, max_concurrency))
        self._timeout_s = timeout_s
        self._policy = AddressPolicy(allow_hosts)
        self._parse = parser
        self._in_flight: dict[int, asyncio.Task[PollOutcome]] = {}

    async def close(self, grace_s: float = 2.0) -> None:
        """Let running polls finish (up to ``grace_s``), cancel the rest, and close the fetcher."""
        running = list(self._in_flight.values())
        if running:
            _, pending = await asyncio.wait(running, timeout=grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        close = getattr(self._fetcher, "close", None)
        if close is not None:
            await close()

    # ---- management ------------------------------------------------------------------------------

    def check_url(self, url: str) -> str:
        try:
            return str(self._policy.check_url(url.strip()))
        except FetchError as exc:
            raise ValidationError(exc.user_message) from None

    async def add(
        self,
        guild_id: int,
        url: str,
        name: str | None = None,
        *,
        actor_id: int,
        interval_min: int = DEFAULT_INTERVAL_MIN,
    ) -> AddedFeed:
        """Store a feed, then fetch it once (outside the transaction) so the caller can report how it went."""
        checked = self.check_url(url)
        _check_interval(interval_min)
        label = clean(name)[:MAX_NAME] if name and clean(name) else None
        try:
            async with self._sessions.begin() as session:
                existing = await feeds_repo.list_for_guild(session, guild_id)
                if len(existing) >= MAX_FEEDS_PER_GUILD:
                    raise ValidationError(
                        f"This server already has {MAX_FEEDS_PER_GUILD} feeds; remove one with `/feeds remove` first."
                    )
                row = await feeds_repo.add(
                    session,
                    guild_id,
                    url=checked,
                    name=label,
                    interval_min=interval_min,
                    added_by=actor_id,
                    now=self._clock(),
                )
                feed_id = row.id
        except IntegrityError:
            raise Conflict(f"The feed `{checked[:100]}` is already in this server's list.") from None
        outcome = await self.poll_feed(guild_id, feed_id, force=True)
        return AddedFeed(feed=await self.get(guild_id, feed_id), first_poll=outcome)

    async def get(self, guild_id: int, feed_id: int) -> FeedInfo:
        async with self._sessions.begin() as session:
            row = await feeds_repo.get(session, guild_id, feed_id)
            if row is None:
                raise FeedNotFound(feed_id)
            counts = await feeds_repo.headline_counts(session, guild_id)
            return _info(row, counts.get(row.id, 0))

    async def list_feeds(self, guild_id: int) -> list[FeedInfo]:
        async with self._sessions.begin() as session:
            rows = await feeds_repo.list_for_guild(session, guild_id)
            counts = await feeds_repo.headline_counts(session, guild_id)
            return [_info(r, counts.get(r.id, 0)) for r in rows]

    async def remove(self, guild_id: int, feed_id: int) -> FeedInfo:
        async with self._sessions.begin() as session:
            row = await feeds_repo.get(session, guild_id, feed_id)
            if row is None:
                raise FeedNotFound(feed_id)
            counts = await feeds_repo.headline_counts(session, guild_id)
            info = _info(row, counts.get(row.id, 0))
            await feeds_repo.remove(session, guild_id, feed_id)
        log.info("feed %d removed from guild %d", feed_id, guild_id)
        return info

    async def choices(self, guild_id: int, fragment: str, limit: int = 25) -> list[tuple[int, str]]:
        """(feed id, label) pairs for autocomplete, matching ``fragment`` in the name or URL."""
        key = fragment.strip().casefold()
        feeds = await self.list_feeds(guild_id)
        hits = [f for f in feeds if key in f.label.casefold() or key in f.url.casefold()]
        return [(f.id, f"#{f.id} {f.label}"[:100]) for f in hits[:limit]]

    async def test(self, url: str) -> FeedTest:
        """Fetch and parse ``url`` now, storing nothing; raises FeedFetchFailed in plain words."""
        checked = self.check_url(url)
        try:
            async with asyncio.timeout(self._timeout_s + _POLL_GRACE_S):
                result = await self._fetcher.fetch(checked)
        except FetchError as exc:
            raise FeedFetchFailed(str(exc), exc.user_message) from None
        except TimeoutError:
            raise FeedFetchFailed("test timed out", "The site took too long to answer.") from None
        if not isinstance(result, FetchResult):  # pragma: no cover - no validators were sent
            raise FeedFetchFailed("unexpected 304", "The site answered without a feed; try again.")
        parsed = await self._parse(
            result.body, headers=result.headers, url=result.final_url, now=self._clock()
        )
        if not parsed.headlines:
            reason = parsed.problem or PROBLEM_EMPTY_FEED
            raise FeedFetchFailed(
                f"no headlines: {reason}",
                f"OnRecord fetched `{checked[:100]}` but found no headlines: {reason}.",
            )
        newest = sorted(
            parsed.headlines,
            key=lambda h: h.published.timestamp() if h.published else float("-inf"),
            reverse=True,
        )[:TEST_HEADLINES]
        return FeedTest(
            url=checked,
            final_url=result.final_url,
            title=parsed.title,
            headline_count=len(parsed.headlines),
            newest=tuple(TestHeadline(h.title, h.link, h.published, h.outlet) for h in newest),
        )

    # ---- polling ---------------------------------------------------------------------------------

    async def poll_due(self, guild_id: int | None = None, *, wait: bool = True) -> list[PollOutcome]:
        """Start a poll for every due feed not already being polled.

        With ``wait`` the outcomes are returned when all finished (CLI, tests); without it the polls run in
        the background and the call returns at once with no outcomes (the bot's loop), so a slow feed never
        holds up the next tick.
        """
        now = self._clock()
        async with self._sessions.begin() as session:
            rows = await feeds_repo.due(session, guild_id, now)
            due = [(r.guild_id, r.id) for r in rows if r.id not in self._in_flight]
        tasks = [self._start(g, f, force=False) for g, f in due]
        if not wait:
            return []
        return list(await asyncio.gather(*tasks))

    async def poll_all(self, guild_id: int) -> list[PollOutcome]:
        """Poll every enabled feed of a guild now, whatever its schedule (`onrecord feeds fetch`)."""
        async with self._sessions.begin() as session:
            ids = [r.id for r in await feeds_repo.list_for_guild(session, guild_id) if r.status != "disabled"]
        return list(await asyncio.gather(*(self._start(guild_id, f, force=True) for f in ids)))

    def _start(self, guild_id: int, feed_id: int, *, force: bool) -> asyncio.Task[PollOutcome]:
        existing = self._in_flight.get(feed_id)
        if existing is not None:
            return existing
        task = asyncio.create_task(self._guarded_poll(guild_id, feed_id, force=force))
        self._in_flight[feed_id] = task
        task.add_done_callback(lambda _t: self._in_flight.pop(feed_id, None))
        return task

    async def poll_feed(self, guild_id: int, feed_id: int, *, force: bool = True) -> PollOutcome:
        """Poll one feed now (``force`` ignores its schedule)."""
        return await self._start(guild_id, feed_id, force=force)

    async def _guarded_poll(self, guild_id: int, feed_id: int, *, force: bool) -> PollOutcome:
        try:
            return await self._poll(guild_id, feed_id, force=force)
        except Exception:  # loop guard: one feed's bug never stops the others
            log.exception("polling feed %d of guild %d failed unexpectedly", feed_id, guild_id)
            return PollOutcome(feed_id, guild_id, f"#{feed_id}", "failed", error="internal error")

    async def _lease(self, guild_id: int, feed_id: int, *, force: bool) -> _Lease | None:
        now = self._clock()
        async with self._sessions.begin() as session:
            row = await feeds_repo.get(session, guild_id, feed_id)
            if row is None or row.status == "disabled":
                return None
            if not force and row.next_fetch_at is not None and row.next_fetch_at > now:
                return None
            # Lease the feed for a whole interval; the outcome below sets the real next time.
            until = now + timedelta(minutes=row.interval_min)
            if not await feeds_repo.lease(session, guild_id, feed_id, row.next_fetch_at, until):
                return None
            return _Lease(
                feed_id=row.id,
                guild_id=row.guild_id,
                url=row.url,
                label=row.name or row.url,
                interval_min=row.interval_min,
                etag=row.etag,
                last_modified=row.last_modified,
            )

    async def _poll(self, guild_id: int, feed_id: int, *, force: bool) -> PollOutcome:
        # The semaphore bounds fetches and, with them, the database sessions the polls hold at once.
        async with self._semaphore:
            lease = await self._lease(guild_id, feed_id, force=force)
            if lease is None:
                return PollOutcome(feed_id, guild_id, f"#{feed_id}", "skipped")
            try:
                async with asyncio.timeout(self._timeout_s + _POLL_GRACE_S):
                    result = await self._fetcher.fetch(
                        lease.url, etag=lease.etag, last_modified=lease.last_modified
                    )
                    parsed: ParsedFeed | None = None
                    if isinstance(result, FetchResult):
                        parsed = await self._parse(
                            result.body, headers=result.headers, url=result.final_url, now=self._clock()
                        )
            except (FetchError, TimeoutError) as exc:
                log.warning("feed %d of guild %d failed: %s", feed_id, guild_id, exc or type(exc).__name__)
                return await self._record_failure(lease, _plain_error(exc))
            if parsed is None:
                return await self._record_success(lease, None, result.etag, result.last_modified)
            if not parsed.headlines and parsed.problem not in (None, PROBLEM_EMPTY_FEED):
                return await self._record_failure(
                    lease, f"The address did not give a usable feed: {parsed.problem}."
                )
            return await self._record_success(lease, parsed, result.etag, result.last_modified)

    async def _record_success(
        self, lease: _Lease, parsed: ParsedFeed | None, etag: str | None, last_modified: str | None
    ) -> PollOutcome:
        now = self._clock()
        rows = [
            {
                "entry_key": h.entry_key[:500],
                "title": h.title[:500],
                "link": h.link[:2000] if h.link else None,
                "summary": h.summary or None,
                "outlet": (lease.label if lease.label != lease.url else h.outlet)[:200] or None,
                "published_at": h.published or now,
                "first_seen_at": now,
            }
            for h in (parsed.headlines if parsed else ())
        ]
        async with self._sessions.begin() as session:
            row = await feeds_repo.get(session, lease.guild_id, lease.feed_id)
            if row is None:  # removed while we were fetching
                return PollOutcome(lease.feed_id, lease.guild_id, lease.label, "skipped")
            added = await feeds_repo.insert_headlines(session, lease.guild_id, lease.feed_id, rows)
            row.etag = etag[:500] if etag else None
            row.last_modified = last_modified[:100] if last_modified else None
            row.status = "ok"
            row.consecutive_failures = 0
            row.first_failure_at = None
            row.last_error = None
            row.last_fetch_at = now
            row.next_fetch_at = now + timedelta(minutes=row.interval_min)
        if parsed is None:
            return PollOutcome(lease.feed_id, lease.guild_id, lease.label, "not-modified")
        result: PollResult = "new" if added else "unchanged"
        return PollOutcome(lease.feed_id, lease.guild_id, lease.label, result, new_headlines=added)

    async def _record_failure(self, lease: _Lease, error: str) -> PollOutcome:
        now = self._clock()
        async with self._sessions.begin() as session:
            row = await feeds_repo.get(session, lease.guild_id, lease.feed_id)
            if row is None:
                return PollOutcome(lease.feed_id, lease.guild_id, lease.label, "skipped")
            row.consecutive_failures += 1
            row.first_failure_at = row.first_failure_at or now
            row.last_error = error[:1000]
            row.last_fetch_at = now
            if now - row.first_failure_at >= DISABLE_AFTER:
                row.status = "disabled"
                row.disabled_notice_pending = True
                row.next_fetch_at = None
                log.warning("feed %d of guild %d disabled after 24 h of failures", row.id, row.guild_id)
                return PollOutcome(lease.feed_id, lease.guild_id, lease.label, "disabled", error=error)
            row.status = "failing"
            row.next_fetch_at = now + backoff(row.interval_min, row.consecutive_failures)
        return PollOutcome(lease.feed_id, lease.guild_id, lease.label, "failed", error=error)

    async def enable(self, guild_id: int, feed_id: int) -> FeedInfo:
        """Re-enable a disabled feed, or retry a failing one now; it is fetched at the next tick.

        Raises Conflict for a feed that is fine (nothing to enable).
        """
        async with self._sessions.begin() as session:
            row = await feeds_repo.get(session, guild_id, feed_id)
            if row is None:
                raise FeedNotFound(feed_id)
            if row.status != "disabled" and row.consecutive_failures == 0:
                raise Conflict(f"Feed #{feed_id} is already enabled and working; nothing to change.")
            row.status = "ok"
            row.consecutive_failures = 0
            row.first_failure_at = None
            row.disabled_notice_pending = False
            row.next_fetch_at = self._clock()
            counts = await feeds_repo.headline_counts(session, guild_id)
            return _info(row, counts.get(row.id, 0))

    async def edit(
        self, guild_id: int, feed_id: int, *, interval_min: int | None = None, name: str | None = None
    ) -> FeedInfo:
        """Change a feed's check interval and/or display name; the next check moves with the interval."""
        if interval_min is None and name is None:
            raise ValidationError("Give a new `interval` or `name` for the feed.")
        if interval_min is not None:
            _check_interval(interval_min)
        label = clean(name)[:MAX_NAME] if name is not None else None
        if name is not None and not label:
            raise ValidationError("The feed's name cannot be empty.")
        async with self._sessions.begin() as session:
            row = await feeds_repo.get(session, guild_id, feed_id)
            if row is None:
                raise FeedNotFound(feed_id)
            if label is not None:
                row.name = label
            if interval_min is not None and interval_min != row.interval_min:
                row.interval_min = interval_min
                if row.status != "disabled" and row.last_fetch_at is not None:
                    wait = (
                        backoff(interval_min, row.consecutive_failures)
                        if row.consecutive_failures
                        else timedelta(minutes=interval_min)
                    )
                    row.next_fetch_at = row.last_fetch_at + wait
            counts = await feeds_repo.headline_counts(session, guild_id)
            info = _info(row, counts.get(row.id, 0))
        log.info("feed %d of guild %d edited", feed_id, guild_id)
        return info


def describe_outcome(outcome: PollOutcome) -> str:
    """One plain line per feed for the CLI and logs."""
    match outcome.result:
        case "new":
            return f"{outcome.new_headlines} new headline{'s' if outcome.new_headlines != 1 else ''}"
        case "unchanged":
            return "no new headlines"
        case "not-modified":
            return "not modified since the last fetch"
        case "disabled":
            return f"failed and is now disabled after 24 h of failures: {outcome.error}"
        case "failed":
            return f"failed: {outcome.error}"
        case _:
            return "skipped (not due, disabled or being fetched elsewhere)"


def status_counts(feeds: list[FeedInfo]) -> Mapping[str, int]:
    counts = {"ok": 0, "failing": 0, "disabled": 0}
    for f in feeds:
        counts[f.status] += 1
    return counts
