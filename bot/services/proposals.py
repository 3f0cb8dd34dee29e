"""Quote extraction for moderators: an article in, pending statements out, approved or rejected in review.

The article arrives as pasted text, an attached file or a URL (fetched through the guarded fetcher, main
text pulled out by trafilatura in a worker thread). :func:`extract_quotes` proposes the quotations; each
proposal with a named speaker becomes a **pending** statement linked to the article, unless the same words
by the same speaker are already on record (then nothing is created and the item says so) or already
wait in the queue (then the item is that pending statement, so running an article twice adds nothing).

Speakers follow the archive's "Did you mean" rule (:meth:`SpeakerService.resolve`): an exact name or alias
is used; a close name pins the suggested speaker and leaves a note in the context (``_NAMED_AS``) until
the moderator confirms it or asks for a new speaker; an unknown name becomes a new speaker.

This service composes :class:`StatementService` and :class:`SpeakerService`: every statement is created,
edited, approved or rejected in its own transaction (with its audit entry), and no transaction is open
while the article is fetched or parsed.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import trafilatura

from bot.dates import local_today, parse_date, parse_iso
from bot.domain import MAX_CONTEXT, MAX_NAME, MAX_TEXT, NewStatement, Speaker, Statement, StatementEdit
from bot.errors import BotError, Conflict, ValidationError
from bot.services import validation
from bot.services.clock import Clock, utc_now
from bot.services.extraction import ProposedQuote, extract_quotes
from bot.services.fetch import FetchError, GuardedFetcher, NotModified
from bot.services.guild_config import GuildConfigService
from bot.services.speakers import SpeakerService
from bot.services.statements import SearchQuery, StatementService
from bot.text import clean, clean_multiline, text_key

log = logging.getLogger(__name__)

PASTE_MAX_CHARS = 4000
FILE_MAX_BYTES = 1_000_000
FILE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
EXTRACT_MAX_CHARS = 60_000  # of article text handed to the extractor
MAX_PROPOSALS = 60  # per article
PENDING_QUEUE_LIMIT = 200  # statements one review of the queue pages through
_PENDING_SCAN = 500  # pending statements of one speaker compared for same words

_NAMED_AS = re.compile(r" ?The article names the speaker “(?P<name>[^”]{1,200})”\.$")

FetcherFactory = Callable[[], GuardedFetcher]


class ArticleUnavailable(BotError):
    """The article could not be fetched or read; ``user_message`` says why."""


@dataclass(frozen=True, slots=True)
class Article:
    text: str
    published: date
    outlet: str | None
    url: str | None
    title: str | None = None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class SpeakerQuestion:
    """ "Did you mean …?": ``written`` is the name as typed or printed, ``suggestion`` the close match."""

    written: str
    suggestion: Speaker


ItemState = Literal["pending", "published", "removed", "on_record"]


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One page of the review: a pending statement, or a proposal already on record (nothing created)."""

    quote: str
    speaker: str
    statement: Statement | None
    duplicate_of: int | None = None
    question: SpeakerQuestion | None = None
    confidence: float | None = None
    was_queued: bool = False  # the proposal was already waiting in the queue before this extraction

    @property
    def number(self) -> int | None:
        return None if self.statement is None else self.statement.number

    @property
    def state(self) -> ItemState:
        if self.statement is None:
            return "on_record"
        return self.statement.status

    @property
    def is_actionable(self) -> bool:
        return self.state == "pending"


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    article: Article
    items: tuple[ReviewItem, ...]
    found: int  # proposals from the extractor
    skipped_unnamed: int  # proposals without a named speaker, not created

    @property
    def created(self) -> int:
        return sum(1 for i in self.items if i.statement is not None and not i.was_queued)

    @property
    def on_record(self) -> int:
        return sum(1 for i in self.items if i.statement is None)

    @property
    def queued(self) -> int:
        return sum(1 for i in self.items if i.was_queued)


@dataclass(frozen=True, slots=True)
class ProposalForm:
    """The edit form as typed: every field a string, validated by :meth:`ProposalService.edit`."""

    text: str
    speaker: str
    title: str
    said_on: str
    source_url: str


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """Either the edited item, or a question to ask before anything is changed."""

    item: ReviewItem | None
    question: SpeakerQuestion | None = None


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    approved: tuple[ReviewItem, ...]
    skipped: tuple[tuple[int, str], ...]  # (statement number, why)


# ---- pure helpers ------------------------------------------------------------------------------------


def context_note(outlet: str | None, written_speaker: str | None = None) -> str:
    """The context of a proposed statement; names the printed speaker while the match is unconfirmed."""
    where = f"an article in {outlet}" if outlet else "an article"
    note = f"Proposed from {where}."
    if written_speaker:
        note += f" The article names the speaker “{written_speaker}”."
    return note[:MAX_CONTEXT]


def unconfirmed_name(context: str | None) -> str | None:
    """The printed speaker name while the statement waits for "Did you mean" confirmation, else None."""
    if not context:
        return None
    m = _NAMED_AS.search(context)
    return m["name"] if m else None


def without_name_note(context: str | None) -> str | None:
    if not context:
        return None
    return _NAMED_AS.sub("", context).strip() or None


def _page_date(raw: object) -> date | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return parse_iso(raw[:10])
    except ValidationError:
        return None


def html_to_text(html: bytes | str, url: str | None) -> dict[str, Any] | None:
    """trafilatura's main text and metadata (``text``, ``date``, ``sitename``, ``url``, ``title``)."""
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    if doc is None:
        return None
    if isinstance(doc, dict):
        return doc
    return {key: getattr(doc, key, None) for key in ("text", "date", "sitename", "url", "title")}


def decode_text(name: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"`{name[:80]}` is not readable text; save it as UTF-8 and attach it again.")


def _usable(q: ProposedQuote) -> bool:
    return bool(q.speaker) and q.speaker_named and bool(q.quote.strip())


# ---- the service -------------------------------------------------------------------------------------


class ProposalService:
    def __init__(
        self,
        *,
        statements: StatementService,
        speakers: SpeakerService,
        guild_config: GuildConfigService,
        fetcher_factory: FetcherFactory,
        clock: Clock = utc_now,
    ) -> None:
        self._statements = statements
        self._speakers = speakers
        self._guild_config = guild_config
        self._fetcher_factory = fetcher_factory
        self._clock = clock

    # ---- reading the article -----------------------------------------------------------------

    async def _today(self, guild_id: int) -> date:
        config = await self._guild_config.get(guild_id)
        return local_today(self._clock(), config.timezone)

    async def published_date(self, guild_id: int, raw: str | None, found: date | None = None) -> date:
        """The moderator's ``published`` value when given, else the date found on the page, else refuse."""
        if raw is not None and raw.strip():
            return parse_date(raw, await self._today(guild_id))
        if found is not None:
            return found
        raise ValidationError(
            "Give the article's publication date with `published` (e.g. `2024-07-12`): "
            "I need it to work out dates such as “on Thursday”."
        )

    def _finish(
        self,
        text: str,
        *,
        published: date,
        outlet: str | None,
        url: str | None,
        title: str | None = None,
    ) -> Article:
        body = clean_multiline(text)
        if not body:
            raise ValidationError("The article is empty; paste or attach the article's text.")
        truncated = len(body) > EXTRACT_MAX_CHARS
        return Article(
            text=body[:EXTRACT_MAX_CHARS],
            published=published,
            outlet=validation.optional(outlet, 200, "outlet name"),
            url=validation.url(url),
            title=validation.optional(title, 300, "title"),
            truncated=truncated,
        )

    async def article_from_text(
        self, guild_id: int, text: str, *, published: str | None, outlet: str | None, url: str | None
    ) -> Article:
        if len(text) > PASTE_MAX_CHARS:
            raise ValidationError(
                f"The pasted text is {len(text):,} characters long; the limit is {PASTE_MAX_CHARS:,}. "
                "Attach it as a file or give its URL instead."
            )
        when = await self.published_date(guild_id, published)
        return self._finish(text, published=when, outlet=outlet, url=url)

    async def article_from_file(
        self,
        guild_id: int,
        filename: str,
        data: bytes,
        *,
        published: str | None,
        outlet: str | None,
        url: str | None = None,
    ) -> Article:
        check_file(filename, len(data))
        if filename.lower().endswith((".html", ".htm")):
            page = await asyncio.to_thread(html_to_text, data, url)
            if not page or not (page.get("text") or "").strip():
                raise ValidationError(f"I found no article text in `{filename[:80]}`.")
            return self._finish(
                page["text"],
                published=await self.published_date(guild_id, published, _page_date(page.get("date"))),
                outlet=outlet or page.get("sitename"),
                url=url,
                title=page.get("title"),
            )
        when = await self.published_date(guild_id, published)
        return self._finish(decode_text(filename, data), published=when, outlet=outlet, url=url)

    async def article_from_url(
        self, guild_id: int, url: str, *, published: str | None, outlet: str | None
    ) -> Article:
        """Fetch ``url`` (never a private address), pull out the main text and the page's metadata."""
        address = validation.url(url)
        if address is None:
            raise ValidationError("Give the article's address, starting with https://.")
        try:
            async with self._fetcher_factory() as fetcher:
                result = await fetcher.fetch(address)
        except FetchError as exc:
            log.info("article fetch refused or failed: %s", exc)
            raise ArticleUnavailable(str(exc), exc.user_message) from exc
        if isinstance(result, NotModified):  # pragma: no cover - no validators are sent
            raise ArticleUnavailable("304 without validators", "The site sent no article; try again later.")
        page = await asyncio.to_thread(html_to_text, result.body, result.final_url)
        if not page or not (page.get("text") or "").strip():
            raise ValidationError(
                "I could not find the article's text on that page; paste the text instead "
                "(`/statement extract` without a URL)."
            )
        found = _page_date(page.get("date"))
        page_url = page.get("url") if isinstance(page.get("url"), str) else None
        source = result.final_url if not page_url or not page_url.startswith("http") else page_url
        return self._finish(
            page["text"],
            published=await self.published_date(guild_id, published, found),
            outlet=outlet or page.get("sitename") or None,
            url=source[:2000],
            title=page.get("title"),
        )

    # ---- proposals -------------------------------------------------------------------------------

    async def propose(self, guild_id: int, article: Article, *, actor_id: int) -> ExtractionResult:
        """Run the extractor and create a pending statement for each new, attributed proposal."""
        quotes = await asyncio.to_thread(
            extract_quotes, article.text, article.published, outlet=article.outlet, url=article.url
        )
        usable = [q for q in quotes if _usable(q)][:MAX_PROPOSALS]
        items: list[ReviewItem] = []
        seen: set[int] = set()
        for q in usable:
            item = await self._propose_one(guild_id, article, q, actor_id=actor_id)
            if item is None:
                continue
            if item.number is not None:
                if item.number in seen:
                    continue
                seen.add(item.number)
            items.append(item)
        log.info(
            "extraction in guild %s: %d proposals, %d items, by %s",
            guild_id,
            len(quotes),
            len(items),
            actor_id,
        )
        return ExtractionResult(article, tuple(items), len(quotes), len(quotes) - len(usable))

    async def _propose_one(
        self, guild_id: int, article: Article, q: ProposedQuote, *, actor_id: int
    ) -> ReviewItem | None:
        words = clean_multiline(q.quote)
        written = clean(q.speaker or "")
        if not words or len(words) > MAX_TEXT or not written or len(written) > MAX_NAME:
            return None
        resolution = await self._speakers.resolve(guild_id, written)
        target = resolution.speaker or resolution.suggestion
        name = target.name if target else written
        on_record = await self._statements.find_same_words(guild_id, name, words)
        if on_record is not None:
            return ReviewItem(words, name, None, duplicate_of=on_record, confidence=q.confidence)
        if target is not None:
            queued = await self._pending_same_words(guild_id, target.name, words)
            if queued is not None:
                item = await self._item(guild_id, queued)
                return ReviewItem(
                    item.quote,
                    item.speaker,
                    item.statement,
                    question=item.question,
                    confidence=q.confidence,
                    was_queued=True,
                )
        question = None
        if resolution.speaker is None and resolution.suggestion is not None:
            question = SpeakerQuestion(resolution.query, resolution.suggestion)
        new = NewStatement(
            text=words,
            speaker=resolution.query,
            said_on=q.said_on,
            kind=q.kind,
            speaker_title=validation.optional(q.speaker_title, 300, "speaker's title"),
            speaker_kind=q.speaker_kind or "person",
            context=context_note(article.outlet, question.written if question else None),
            source_url=article.url,
            source_name=article.outlet,
        )
        statement = await self._statements.add(
            guild_id,
            new,
            actor_id=actor_id,
            status="pending",
            speaker_id=target.id if target is not None else None,
        )
        return ReviewItem(
            words, statement.speaker_name, statement, question=question, confidence=q.confidence
        )

    async def _pending_same_words(self, guild_id: int, speaker: str, words: str) -> Statement | None:
        page = await self._statements.search(
            guild_id, SearchQuery(speaker=speaker), per_page=_PENDING_SCAN, status="pending"
        )
        key = text_key(words)
        return next((s for s in page.items if text_key(s.text) == key), None)

    async def _item(self, guild_id: int, statement: Statement) -> ReviewItem:
        """A review item for a stored statement, with its open speaker question if any."""
        question = None
        written = unconfirmed_name(statement.context) if statement.status == "pending" else None
        if written is not None:
            suggestion = await self._speakers.get(guild_id, statement.speaker_name)
            question = SpeakerQuestion(written, suggestion)
        return ReviewItem(statement.text, statement.speaker_name, statement, question=question)

    async def item(self, guild_id: int, number: int) -> ReviewItem:
        return await self._item(guild_id, await self._statements.get(guild_id, number, include_hidden=True))

    async def pending(self, guild_id: int) -> tuple[list[ReviewItem], int]:
        """The review queue (up to ``PENDING_QUEUE_LIMIT``, newest said first) and its full length."""
        page = await self._statements.search(
            guild_id, SearchQuery(), per_page=PENDING_QUEUE_LIMIT, status="pending"
        )
        return [await self._item(guild_id, s) for s in page.items], page.total

    # ---- review actions ----------------------------------------------------------------------------

    async def _check_approvable(self, guild_id: int, number: int) -> Statement:
        statement = await self._statements.get(guild_id, number, include_hidden=True)
        if statement.status != "pending":
            raise ValidationError(f"Statement #{number} is {statement.status}, so it cannot be approved.")
        if unconfirmed_name(statement.context) is not None:
            raise ValidationError(f"Confirm the speaker of #{number} first, then approve it.")
        if statement.said_on is None:
            raise ValidationError(
                f"The article does not say when #{number} was said; add the date with Edit, then approve it."
            )
        same = await self._statements.find_same_words(guild_id, statement.speaker_name, statement.text)
        if same is not None:
            raise Conflict(
                f"Those words by {statement.speaker_name[:100]} are already on record as #{same}; "
                f"reject #{number} instead."
            )
        return statement

    async def approve(self, guild_id: int, number: int, *, actor_id: int) -> ReviewItem:
        await self._check_approvable(guild_id, number)
        approved = await self._statements.approve(guild_id, number, actor_id=actor_id)
        return await self._item(guild_id, approved)

    async def approve_all(self, guild_id: int, numbers: Sequence[int], *, actor_id: int) -> BulkOutcome:
        """Approve each listed statement that can be; one transaction (and audit entry) per statement, so
        a statement someone else handled meanwhile is skipped without undoing the others."""
        approved: list[ReviewItem] = []
        skipped: list[tuple[int, str]] = []
        for number in dict.fromkeys(numbers):
            try:
                approved.append(await self.approve(guild_id, number, actor_id=actor_id))
            except BotError as exc:
                skipped.append((number, exc.user_message))
        return BulkOutcome(tuple(approved), tuple(skipped))

    async def reject(self, guild_id: int, number: int, *, actor_id: int) -> ReviewItem:
        rejected = await self._statements.reject(guild_id, number, actor_id=actor_id)
        return await self._item(guild_id, rejected)

    async def confirm_speaker(self, guild_id: int, number: int, *, accept: bool, actor_id: int) -> ReviewItem:
        """Answer "Did you mean": keep the suggested speaker, or file the words under the printed name as a
        new speaker. Either way the note leaves the context, so the statement can be approved."""
        statement = await self._statements.get(guild_id, number, include_hidden=True)
        written = unconfirmed_name(statement.context)
        if written is None or statement.status != "pending":
            return await self._item(guild_id, statement)
        rest = without_name_note(statement.context)
        change = StatementEdit(
            speaker=None if accept else written,
            context=rest,
            clear=frozenset() if rest else frozenset({"context"}),
        )
        if accept:
            edited = await self._statements.edit(
                guild_id, number, change, actor_id=actor_id, speaker_id=statement.speaker_id
            )
        else:
            edited = await self._new_speaker_edit(guild_id, number, change, written, actor_id=actor_id)
        return await self._item(guild_id, edited)

    async def _new_speaker_edit(
        self, guild_id: int, number: int, change: StatementEdit, name: str, *, actor_id: int
    ) -> Statement:
        resolution = await self._speakers.resolve(guild_id, name)
        pinned = resolution.speaker.id if resolution.speaker is not None else None
        return await self._statements.edit(guild_id, number, change, actor_id=actor_id, speaker_id=pinned)

    async def edit(
        self,
        guild_id: int,
        number: int,
        form: ProposalForm,
        *,
        actor_id: int,
        speaker_id: int | None = None,
        new_speaker: bool = False,
    ) -> EditOutcome:
        """Apply the edit form. A changed speaker name that only nearly matches someone returns a question
        and changes nothing; call again with ``speaker_id`` (yes) or ``new_speaker=True`` (no)."""
        statement = await self._statements.get(guild_id, number, include_hidden=True)
        if statement.status != "pending":
            raise ValidationError(
                f"Statement #{number} is {statement.status}; edit it with `/statement edit`."
            )
        words = validation.text(form.text)
        name = validation.name(form.speaker)
        title = validation.optional(form.title, 300, "speaker's title")
        url = validation.url(form.source_url)
        said_on = parse_date(form.said_on, await self._today(guild_id)) if form.said_on.strip() else None
        clear = {
            f for f, v in (("speaker_title", title), ("source_url", url), ("said_on", said_on)) if v is None
        }
        pin = speaker_id
        speaker_changed = name != statement.speaker_name and name not in statement.speaker_aliases
        rest = without_name_note(statement.context)
        if speaker_changed and pin is None and not new_speaker:
            resolution = await self._speakers.resolve(guild_id, name)
            if resolution.speaker is not None:
                pin = resolution.speaker.id
            elif resolution.suggestion is not None:
                return EditOutcome(None, SpeakerQuestion(resolution.query, resolution.suggestion))
        elif not speaker_changed and pin is None:
            pin = statement.speaker_id  # the name shown is the statement's own speaker: confirmed
        if rest is None:
            clear.add("context")
        change = StatementEdit(
            text=words,
            speaker=name if speaker_changed and pin is None else None,
            speaker_title=title,
            said_on=said_on,
            source_url=url,
            context=rest,
            clear=frozenset(clear),
        )
        edited = await self._statements.edit(guild_id, number, change, actor_id=actor_id, speaker_id=pin)
        return EditOutcome(await self._item(guild_id, edited))


def check_file(filename: str, size: int) -> None:
    """Refuse attachments of the wrong type or size before they are downloaded."""
    if not filename.lower().endswith(FILE_SUFFIXES):
        raise ValidationError(
            f"`{filename[:80]}` is not a text article; attach a .txt, .md or .html file, or give a URL."
        )
    if size > FILE_MAX_BYTES:
        raise ValidationError(
            f"`{filename[:80]}` is {size / 1_000_000:.1f} MB; the limit for an article file is 1 MB."
        )
    if size == 0:
        raise ValidationError(f"`{filename[:80]}` is empty.")
