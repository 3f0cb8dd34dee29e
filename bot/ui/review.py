"""`/statement extract` and `/statement pending`: the moderator's review of proposed statements.

The cog runs the moderator check and calls :func:`extract_command` or :func:`pending_command`. Everything
else (fetching, extraction, duplicate marking, approvals) is :class:`ProposalService`; this module only
reads Discord input and renders one proposal per page in a :class:`ReviewView`:

    row 0  Approve · Edit · Reject
    row 1  ◀ Previous · Next ▶ · Approve all (N)
    row 2  Yes, <suggested speaker> · No, new speaker        (only while a "Did you mean" question is open)
    row 3  Jump to …                                         (select, when there is more than one page)

The view is non-persistent, times out before the interaction token does, and only the invoking moderator
in the invoking guild may press it (:class:`OwnedView`); its errors take the one error path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.container import Services
from bot.errors import BotError, ValidationError
from bot.services.proposals import (
    FILE_SUFFIXES,
    PASTE_MAX_CHARS,
    Article,
    ExtractionResult,
    ProposalForm,
    ReviewItem,
    SpeakerQuestion,
    check_file,
)
from bot.ui.embeds import COLOUR, fmt_date, kind_label
from bot.ui.modals import ReopenFormView, StatementForm, StatementFormData
from bot.ui.statements_view import speaker_line
from bot.ui.text import code, safe, source_link, truncate
from bot.ui.views import OwnedView

log = logging.getLogger(__name__)

REVIEW_TIMEOUT_S = 840.0  # 14 minutes: below the 15-minute life of the token that edits the message
CONTENT_MAX = 2000
WORDS_MAX = 3000  # of the description's 4096, leaving room for escaping
FIELD_MAX = 1024
JUMP_OPTIONS = 25

_COLOURS: dict[str, discord.Colour] = {
    "pending": COLOUR,
    "published": discord.Colour.green(),
    "removed": discord.Colour.dark_grey(),
    "on_record": discord.Colour.orange(),
}


def _guild(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise BotError("no guild", "This command only works inside a server.")
    return interaction.guild_id


# ---- rendering ---------------------------------------------------------------------------------------


def status_line(item: ReviewItem) -> str:
    n = item.number
    if item.statement is None:
        return f"Already on record as #{item.duplicate_of}; nothing was added."
    if item.state == "published":
        return f"Approved: on record as #{n}."
    if item.state == "removed":
        return f"Rejected (#{n} is not on record)."
    if item.question is not None:
        return f"Pending as #{n}; confirm the speaker before approving."
    queued = " It was already waiting for review." if item.was_queued else ""
    return f"Pending as #{n}.{queued}"


def question_text(question: SpeakerQuestion) -> str:
    return (
        f"The speaker is named `{safe(question.written, 100)}`, and no speaker has that name yet. "
        f"Did you mean **{safe(question.suggestion.name, 200)}**?"
    )


def item_embed(
    item: ReviewItem, position: int, total: int, question: SpeakerQuestion | None
) -> discord.Embed:
    """One proposal: the words, who, when, source and what happened to it."""
    more = "(Edit shows all the words)" if item.is_actionable else None
    words = safe(item.quote, WORDS_MAX, more=more)
    st = item.statement
    if st is None or st.kind != "paraphrase":
        words = f"“{words}”"
    embed = discord.Embed(
        title=f"Proposal {position} of {total}", description=words, colour=_COLOURS[item.state]
    )
    if st is not None:
        embed.add_field(name="Speaker", value=truncate(speaker_line(st, 300), FIELD_MAX))
        said = fmt_date(st.said_on) if st.said_on else "not stated in the article"
        embed.add_field(name="Said on", value=said)
        embed.add_field(name="Kind", value=kind_label(st.kind))
        embed.add_field(name="Source", value=source_link(st.source_url, st.source_name, 500), inline=False)
    else:
        embed.add_field(name="Speaker", value=safe(item.speaker, 300))
    if question is not None:
        embed.add_field(
            name="Did you mean…?", value=truncate(question_text(question), FIELD_MAX), inline=False
        )
    embed.add_field(name="Status", value=status_line(item), inline=False)
    footer = "Only you can use these buttons."
    if item.confidence is not None:
        footer = f"Extractor confidence {item.confidence:.0%} · {footer}"
    embed.set_footer(text=footer)
    return embed


def extraction_summary(result: ExtractionResult) -> str:
    article = result.article
    where = f"**{safe(article.outlet, 100)}**" if article.outlet else "the article"
    parts = [f"{result.created} new, waiting for review"]
    if result.queued:
        parts.append(f"{result.queued} already waiting for review")
    if result.on_record:
        parts.append(f"{result.on_record} already on record (not added again)")
    if result.skipped_unnamed:
        parts.append(f"{result.skipped_unnamed} skipped because the article does not name the speaker")
    text = (
        f"Found {result.found} proposal{'s' if result.found != 1 else ''} in {where} "
        f"(published {fmt_date(article.published)}): " + "; ".join(parts) + "."
    )
    if article.truncated:
        text += " The article is very long, so only its beginning was read."
    return text


# ---- the review view ---------------------------------------------------------------------------------


Action = Callable[[discord.Interaction], Awaitable[None]]


class _Button(discord.ui.Button["ReviewView"]):
    def __init__(self, action: Action, *, label: str, style: discord.ButtonStyle, row: int) -> None:
        super().__init__(label=label[:80], style=style, row=row)
        self._action = action

    async def callback(self, interaction: discord.Interaction) -> None:
        await self._action(interaction)


class _Jump(discord.ui.Select["ReviewView"]):
    def __init__(self, view: ReviewView) -> None:
        lo = max(0, min(view.index - JUMP_OPTIONS // 2, len(view.items) - JUMP_OPTIONS))
        options = [
            discord.SelectOption(
                label=truncate(f"{i + 1}. {item.speaker}: {item.quote}".replace("\n", " "), 100),
                value=str(i),
                default=i == view.index,
            )
            for i, item in enumerate(view.items[lo : lo + JUMP_OPTIONS], start=lo)
        ]
        super().__init__(placeholder="Jump to a proposal…", options=options, row=3)
        self._review = view

    async def callback(self, interaction: discord.Interaction) -> None:
        await self._review.go(interaction, int(self.values[0]))


@dataclass(frozen=True, slots=True)
class _PendingEdit:
    """An edit held back by a "Did you mean" question about the speaker typed in the form."""

    number: int
    form: ProposalForm
    question: SpeakerQuestion


class ReviewView(OwnedView):
    """One proposal per page; Approve, Edit, Reject, Previous/Next, Approve all, and speaker questions."""

    def __init__(
        self, services: Services, *, owner_id: int, guild_id: int, items: list[ReviewItem], header: str
    ) -> None:
        super().__init__(owner_id=owner_id, guild_id=guild_id, timeout_s=REVIEW_TIMEOUT_S)
        self.services = services
        self.items = items
        self.header = header
        self.index = 0
        self.notice: str | None = None
        self.held: _PendingEdit | None = None
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None
        self._rebuild()

    # ---- state ---------------------------------------------------------------------------------

    @property
    def current(self) -> ReviewItem:
        return self.items[self.index]

    @property
    def question(self) -> SpeakerQuestion | None:
        held = self.held
        if held is not None and held.number == self.current.number:
            return held.question
        return self.current.question if self.current.is_actionable else None

    def actionable_numbers(self) -> list[int]:
        return [i.number for i in self.items if i.is_actionable and i.number is not None]

    def _replace(self, item: ReviewItem) -> None:
        """Put a refreshed item everywhere its statement appears (keeping the extraction's confidence)."""
        for i, old in enumerate(self.items):
            if old.number is not None and old.number == item.number:
                self.items[i] = ReviewItem(
                    item.quote,
                    item.speaker,
                    item.statement,
                    item.duplicate_of,
                    item.question,
                    old.confidence,
                    old.was_queued,
                )

    def _rebuild(self) -> None:
        self.clear_items()
        item = self.current
        can_act = item.is_actionable
        blocked = self.question is not None
        approve = _Button(self._approve, label="Approve", style=discord.ButtonStyle.success, row=0)
        approve.disabled = not can_act or blocked
        edit = _Button(self._edit, label="Edit", style=discord.ButtonStyle.primary, row=0)
        edit.disabled = not can_act or self.held is not None
        reject = _Button(self._reject, label="Reject", style=discord.ButtonStyle.danger, row=0)
        reject.disabled = not can_act
        prev = _Button(self._previous, label="◀ Previous", style=discord.ButtonStyle.secondary, row=1)
        prev.disabled = self.index == 0
        nxt = _Button(self._next, label="Next ▶", style=discord.ButtonStyle.secondary, row=1)
        nxt.disabled = self.index >= len(self.items) - 1
        ready = self.actionable_numbers()
        bulk = _Button(
            self._approve_all, label=f"Approve all ({len(ready)})", style=discord.ButtonStyle.success, row=1
        )
        bulk.disabled = not ready
        for button in (approve, edit, reject, prev, nxt, bulk):
            self.add_item(button)
        question = self.question
        if question is not None:
            self.add_item(
                _Button(
                    self._yes,
                    label=f"Yes, {question.suggestion.name}",
                    style=discord.ButtonStyle.success,
                    row=2,
                )
            )
            self.add_item(
                _Button(self._no, label="No, new speaker", style=discord.ButtonStyle.secondary, row=2)
            )
        if len(self.items) > 1:
            self.add_item(_Jump(self))

    def content(self) -> str:
        text = self.header if self.notice is None else f"{self.header}\n{self.notice}"
        return truncate(text, CONTENT_MAX)

    def embed(self) -> discord.Embed:
        return item_embed(self.current, self.index + 1, len(self.items), self.question)

    async def show(self, interaction: discord.Interaction, notice: str | None = None) -> None:
        """Re-render this view on the message the interaction came from."""
        self.notice = notice
        self._rebuild()
        if interaction.response.is_done():
            await interaction.edit_original_response(content=self.content(), embed=self.embed(), view=self)
        elif interaction.message is None and self.message is not None:
            # A form submitted without its message (Discord sends it when the form came from a button;
            # some clients and test doubles do not): edit the review message itself, then acknowledge.
            await self.message.edit(content=self.content(), embed=self.embed(), view=self)
            await interaction.response.defer()
        else:
            await interaction.response.edit_message(content=self.content(), embed=self.embed(), view=self)

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        try:
            await self.message.edit(view=None)
        except discord.HTTPException:
            log.debug("review view %s timed out after its token expired", self.message.id)

    # ---- navigation ----------------------------------------------------------------------------

    async def go(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.items) - 1))
        await self.show(interaction)

    async def _previous(self, interaction: discord.Interaction) -> None:
        await self.go(interaction, self.index - 1)

    async def _next(self, interaction: discord.Interaction) -> None:
        await self.go(interaction, self.index + 1)

    # ---- actions -------------------------------------------------------------------------------

    def _number(self) -> int:
        number = self.current.number
        if number is None or not self.current.is_actionable:
            raise ValidationError("This proposal is no longer waiting for review.")
        return number

    async def _approve(self, interaction: discord.Interaction) -> None:
        item = await self.services.proposals.approve(
            self.guild_id, self._number(), actor_id=interaction.user.id
        )
        self._replace(item)
        await self.show(interaction, f"Approved #{item.number}; it is now on record.")

    async def _reject(self, interaction: discord.Interaction) -> None:
        item = await self.services.proposals.reject(
            self.guild_id, self._number(), actor_id=interaction.user.id
        )
        self._replace(item)
        await self.show(interaction, f"Rejected #{item.number}; it will not be published.")

    async def _approve_all(self, interaction: discord.Interaction) -> None:
        numbers = self.actionable_numbers()
        await interaction.response.defer()
        outcome = await self.services.proposals.approve_all(
            self.guild_id, numbers, actor_id=interaction.user.id
        )
        for item in outcome.approved:
            self._replace(item)
        notice = f"Approved {len(outcome.approved)} of {len(numbers)}."
        if outcome.skipped:
            notice += " Not approved: " + "; ".join(f"#{n}: {why}" for n, why in outcome.skipped)
        await self.show(interaction, notice)

    async def _yes(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, accept=True)

    async def _no(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, accept=False)

    async def _answer(self, interaction: discord.Interaction, *, accept: bool) -> None:
        number = self._number()
        question = self.question
        if question is None:
            raise ValidationError("There is no speaker question open on this proposal.")
        held = self.held if self.held is not None and self.held.number == number else None
        proposals = self.services.proposals
        actor = interaction.user.id
        if held is not None:
            outcome = await proposals.edit(
                self.guild_id,
                number,
                held.form,
                actor_id=actor,
                speaker_id=question.suggestion.id if accept else None,
                new_speaker=not accept,
            )
            item = outcome.item
            if item is None:  # pragma: no cover - a pinned or new speaker never asks again
                raise ValidationError("The speaker could not be settled; edit the proposal again.")
        else:
            item = await proposals.confirm_speaker(self.guild_id, number, accept=accept, actor_id=actor)
        self.held = None
        self._replace(item)
        who = question.suggestion.name if accept else question.written
        verb = "Saved" if held is not None else "Confirmed"
        await self.show(interaction, f"{verb} #{number} with speaker **{safe(who, 200)}**.")

    async def _edit(self, interaction: discord.Interaction) -> None:
        number = self._number()
        st = self.current.statement
        assert st is not None  # noqa: S101  (an actionable item has its statement)
        prefill = StatementFormData.from_statement(st)
        if self.current.question is not None:  # show the name as printed, so keeping it asks again
            prefill = StatementFormData(
                prefill.text,
                self.current.question.written,
                prefill.speaker_title,
                prefill.said_on,
                prefill.source_url,
            )
        await interaction.response.send_modal(self._form(number, prefill))

    def _form(self, number: int, prefill: StatementFormData, *, reopened: bool = False) -> StatementForm:
        async def handler(interaction: discord.Interaction, data: StatementFormData) -> None:
            await self._submit_edit(interaction, number, data, reopened=reopened)

        form = StatementForm(title=f"Edit proposal #{number}"[:45], handler=handler, prefill=prefill)
        form.said_on.required = False
        form.said_on.placeholder = "2024-07-11, yesterday, … (empty if the article does not say)"
        return form

    async def _submit_edit(
        self, interaction: discord.Interaction, number: int, data: StatementFormData, *, reopened: bool
    ) -> None:
        form = ProposalForm(data.text, data.speaker, data.speaker_title, data.said_on, data.source_url)
        try:
            outcome = await self.services.proposals.edit(
                self.guild_id, number, form, actor_id=interaction.user.id
            )
        except ValidationError as exc:
            reopen = ReopenFormView(
                owner_id=self.owner_id,
                guild_id=self.guild_id,
                form=lambda: self._form(number, data, reopened=True),
            )
            await interaction.response.send_message(exc.user_message, view=reopen, ephemeral=True)
            return
        if outcome.question is not None:
            self.held = _PendingEdit(number, form, outcome.question)
            notice = f"Nothing is saved yet: {question_text(outcome.question)}"
        else:
            assert outcome.item is not None  # noqa: S101  (no question means the edit was applied)
            self._replace(outcome.item)
            notice = f"Saved your changes to #{number}."
        if not reopened:
            await self.show(interaction, notice)
            return
        # The form was reopened from the error message: answer with a note, then refresh the review.
        self.notice = notice
        self._rebuild()
        if self.message is not None:
            await self.message.edit(content=self.content(), embed=self.embed(), view=self)
        await interaction.response.send_message(f"{notice} The review above is up to date.", ephemeral=True)


# ---- entry points called by the cog ----------------------------------------------------------------


class ArticleForm(discord.ui.Modal):
    """The article pasted as text, with its publication date, outlet and address."""

    def __init__(self, services: Services, *, published: str | None, outlet: str | None) -> None:
        super().__init__(title="Extract statements from an article", timeout=1800.0)
        self.services = services
        self.text: discord.ui.TextInput[ArticleForm] = discord.ui.TextInput(
            custom_id="article",
            label="Article text",
            style=discord.TextStyle.paragraph,
            max_length=PASTE_MAX_CHARS,
            placeholder="Paste the article; for longer ones attach a file or give the URL.",
        )
        self.published: discord.ui.TextInput[ArticleForm] = discord.ui.TextInput(
            custom_id="published",
            label="Published on",
            max_length=40,
            default=published[:40] if published else None,
            placeholder="2024-07-12 — needed to read dates such as “on Thursday”",
        )
        self.outlet: discord.ui.TextInput[ArticleForm] = discord.ui.TextInput(
            custom_id="outlet",
            label="Outlet",
            required=False,
            max_length=200,
            default=outlet[:200] if outlet else None,
            placeholder="e.g. Riverton Ledger",
        )
        self.url: discord.ui.TextInput[ArticleForm] = discord.ui.TextInput(
            custom_id="url",
            label="Article URL (kept as the source)",
            required=False,
            max_length=2000,
            placeholder="https://…",
        )
        for item in (self.text, self.published, self.outlet, self.url):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        guild_id = _guild(interaction)
        article = await self.services.proposals.article_from_text(
            guild_id,
            self.text.value,
            published=self.published.value,
            outlet=self.outlet.value or None,
            url=self.url.value or None,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await _propose_and_show(interaction, self.services, article)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]  # Modal.on_error takes no item
        from bot.client import send_error

        await send_error(interaction, error)


async def _propose_and_show(interaction: discord.Interaction, services: Services, article: Article) -> None:
    guild_id = _guild(interaction)
    result = await services.proposals.propose(guild_id, article, actor_id=interaction.user.id)
    summary = extraction_summary(result)
    if not result.items:
        await interaction.followup.send(
            truncate(summary + " There is nothing to review.", CONTENT_MAX), ephemeral=True
        )
        return
    view = ReviewView(
        services, owner_id=interaction.user.id, guild_id=guild_id, items=list(result.items), header=summary
    )
    view.message = await interaction.followup.send(
        view.content(), embed=view.embed(), view=view, ephemeral=True, wait=True
    )


async def extract_command(
    interaction: discord.Interaction,
    services: Services,
    *,
    url: str | None,
    file: discord.Attachment | None,
    published: str | None,
    outlet: str | None,
) -> None:
    """Propose statements from an article: pasted (a form opens), attached, or fetched from ``url``."""
    guild_id = _guild(interaction)
    if url and file is not None:
        raise ValidationError("Give either a URL or a file, not both.")
    if not url and file is None:
        await interaction.response.send_modal(ArticleForm(services, published=published, outlet=outlet))
        return
    if file is not None:
        check_file(file.filename, file.size)
    await interaction.response.defer(ephemeral=True, thinking=True)
    proposals = services.proposals
    if file is not None:
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            raise BotError(
                f"attachment download failed: {exc}",
                f"I could not download {code(file.filename, 80)}; attach it again.",
            ) from exc
        article = await proposals.article_from_file(
            guild_id, file.filename, data, published=published, outlet=outlet
        )
    else:
        assert url is not None  # noqa: S101  (checked above)
        article = await proposals.article_from_url(guild_id, url, published=published, outlet=outlet)
    await _propose_and_show(interaction, services, article)


async def pending_command(interaction: discord.Interaction, services: Services) -> None:
    """The review queue of this server, one proposal per page, in the same review view."""
    guild_id = _guild(interaction)
    items, total = await services.proposals.pending(guild_id)
    if not items:
        await interaction.response.send_message(
            "Nothing is waiting for review. Propose statements with `/statement extract`.", ephemeral=True
        )
        return
    header = f"**{total}** proposed statement{'s' if total != 1 else ''} waiting for review"
    header += f" (showing the first {len(items)})." if total > len(items) else "."
    view = ReviewView(services, owner_id=interaction.user.id, guild_id=guild_id, items=items, header=header)
    await interaction.response.send_message(view.content(), embed=view.embed(), view=view, ephemeral=True)
    view.message = await interaction.original_response()


__all__ = ["FILE_SUFFIXES", "ReviewView", "extract_command", "pending_command"]
