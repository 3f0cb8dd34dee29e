"""Statement and speaker rendering (result lines, full cards, profiles) and the views that page and confirm.

Every piece of user text goes through ``safe``; every embed stays inside Discord's limits (title 256,
description 4096, field name 256, field value 1024, footer 2048, 6000 in total). Long words are cut
with "…" and a pointer to ``/quote show N``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic, TypeVar

import discord

from bot.domain import Page, Speaker, SpeakerProfile, Statement
from bot.ui.embeds import COLOUR, fmt_date, kind_label
from bot.ui.text import link_target, safe, source_link, truncate
from bot.ui.views import OwnedView, send

log = logging.getLogger(__name__)
T = TypeVar("T")

EMBED_TOTAL = 6000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048

RESULTS_PER_PAGE = 5
SPEAKERS_PER_PAGE = 10
RESULT_WORDS_MAX = 600  # words shown per search result (several results share one 6000-character embed)
RESULT_WORDS_MIN = 60
RESULT_NAME_MAX = 200
RESULT_SOURCE_MAX = 400
PROFILE_LATEST_WORDS = 160
VIEW_TIMEOUT_S = 600.0  # below the 15-minute life of an interaction token, so the timeout edit still works


# ---- small pieces --------------------------------------------------------------------------------


def show_pointer(number: int) -> str:
    return f"(`/quote show {number}`)"


def words(statement: Statement, limit: int, *, pointer: bool = True) -> str:
    """The statement's words, escaped and cut to ``limit`` (with a pointer to the full text when cut)."""
    more = show_pointer(statement.number) if pointer else None
    if statement.kind == "paraphrase":
        return safe(statement.text, limit, more=more)
    body = safe(statement.text, limit - 2, more=more)
    return f"“{body}”"


def speaker_line(statement: Statement, limit: int = RESULT_NAME_MAX) -> str:
    """``Name, title`` escaped and cut."""
    who = statement.speaker_name
    if statement.speaker_title:
        who = f"{who}, {statement.speaker_title}"
    return safe(who, limit)


def _timestamp(moment: datetime, style: str = "D") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def edits_summary(statement: Statement) -> str:
    if statement.edit_count == 0:
        return "never edited"
    times = "once" if statement.edit_count == 1 else f"{statement.edit_count} times"
    out = f"edited {times}"
    if statement.edited_at is not None:
        out += f", last {_timestamp(statement.edited_at, 'R')}"
    if statement.edited_by is not None:
        out += f" by <@{statement.edited_by}>"
    return out


def meta_line(statement: Statement) -> str:
    """``July 11, 2024 · direct quote · Outlet — [host](url) · #12``."""
    return " · ".join(
        [
            fmt_date(statement.said_on),
            kind_label(statement.kind),
            source_link(
                statement.source_url,
                statement.source_name,
                RESULT_SOURCE_MAX,
                too_long=f"(full link: `/quote show {statement.number}`)",
            ),
            f"#{statement.number}",
        ]
    )


# ---- statements ----------------------------------------------------------------------------------


def statement_line(statement: Statement, room: int = FIELD_NAME_MAX + FIELD_VALUE_MAX) -> tuple[str, str]:
    """One search result as an embed field: (``#N · speaker, title``, words + date, kind, source), using
    at most ``room`` characters for name and value together."""
    name = truncate(f"#{statement.number} · {speaker_line(statement)}", FIELD_NAME_MAX)
    meta = meta_line(statement)
    budget = min(RESULT_WORDS_MAX, FIELD_VALUE_MAX - len(meta) - 1, room - len(name) - len(meta) - 1)
    return name, f"{words(statement, max(RESULT_WORDS_MIN, budget))}\n{meta}"


def results_embed(page: Page[Statement], *, title: str = "Statements on record") -> discord.Embed:
    """One page of search results."""
    embed = discord.Embed(title=truncate(title, TITLE_MAX), colour=COLOUR)
    first = (page.page - 1) * page.per_page + 1
    footer = (
        f"Page {page.page} of {page.pages} · results {first}–{first + len(page.items) - 1} of {page.total}"
        " · full text: /quote show <number>"
    )
    embed.set_footer(text=footer)
    if not page.items:
        embed.description = "Nothing on this page any more; the record changed. Run the search again."
        return embed
    share = (EMBED_TOTAL - len(embed) - 10) // max(1, len(page.items))
    for statement in page.items:
        name, value = statement_line(statement, share)
        embed.add_field(name=name, value=value, inline=False)
    return embed


def statement_card(statement: Statement) -> discord.Embed:
    """The full statement: words, speaker, date, kind, context, source, topics, status and edit count."""
    embed = discord.Embed(title=f"Statement #{statement.number}", colour=COLOUR)
    speaker = speaker_line(statement, FIELD_VALUE_MAX)
    if statement.speaker_aliases:
        aliases = ", ".join(statement.speaker_aliases)
        speaker = truncate(f"{speaker}\nalso known as {safe(aliases, 300)}", FIELD_VALUE_MAX)
    embed.add_field(name="Speaker", value=speaker, inline=False)
    embed.add_field(name="Said on", value=fmt_date(statement.said_on))
    embed.add_field(name="Kind", value=kind_label(statement.kind))
    if statement.status != "published":
        embed.add_field(name="Status", value=statement.status)
    if statement.source_url and link_target(statement.source_url):
        embed.url = statement.source_url  # the title links to the source, however long the URL
    source = source_link(
        statement.source_url, statement.source_name, FIELD_VALUE_MAX, too_long="(linked from the title)"
    )
    embed.add_field(name="Source", value=source, inline=False)
    if statement.context:
        embed.add_field(name="Context", value=safe(statement.context, FIELD_VALUE_MAX), inline=False)
    if statement.topics:
        embed.add_field(name="Topics", value=safe(", ".join(statement.topics), FIELD_VALUE_MAX))
    embed.add_field(name="Edits", value=edits_summary(statement))
    embed.add_field(name="Recorded", value=f"{_timestamp(statement.created_at)} by <@{statement.added_by}>")
    embed.set_footer(text=f"#{statement.number} · {kind_label(statement.kind)}")
    room = min(DESCRIPTION_MAX, EMBED_TOTAL - len(embed) - 10)
    embed.description = words(statement, room, pointer=False)
    return embed


# ---- speakers ------------------------------------------------------------------------------------


def _dates(profile: SpeakerProfile) -> str:
    if profile.first_said is None and profile.last_said is None:
        return "no dated statements"
    if profile.first_said == profile.last_said:
        return fmt_date(profile.first_said)
    return f"{fmt_date(profile.first_said)} – {fmt_date(profile.last_said)}"


def speaker_profile(profile: SpeakerProfile) -> discord.Embed:
    """Name, kind, description, aliases, statement count, first and last dates, latest statements."""
    speaker = profile.speaker
    embed = discord.Embed(title=truncate(safe(speaker.name, TITLE_MAX), TITLE_MAX), colour=COLOUR)
    embed.description = safe(speaker.description, 1000) or "No description yet."
    embed.add_field(name="Kind", value=speaker.kind)
    embed.add_field(name="Statements", value=f"{profile.statement_count:,}")
    embed.add_field(name="Said between", value=_dates(profile))
    aliases = ", ".join(speaker.aliases)
    embed.add_field(name="Also known as", value=safe(aliases, FIELD_VALUE_MAX) or "no aliases", inline=False)
    for statement in profile.latest:
        name = truncate(f"#{statement.number} · {fmt_date(statement.said_on)}", FIELD_NAME_MAX)
        embed.add_field(name=name, value=words(statement, PROFILE_LATEST_WORDS), inline=False)
    if profile.latest:
        embed.set_footer(text="Latest statements shown; full text: /quote show <number>")
    return embed


def speaker_summary(speaker: Speaker, heading: str) -> discord.Embed:
    """A speaker after an edit, alias change or merge."""
    embed = discord.Embed(title=truncate(heading, TITLE_MAX), colour=COLOUR)
    embed.add_field(name="Name", value=safe(speaker.name, FIELD_VALUE_MAX))
    embed.add_field(name="Kind", value=speaker.kind)
    aliases = ", ".join(speaker.aliases)
    embed.add_field(name="Also known as", value=safe(aliases, FIELD_VALUE_MAX) or "no aliases", inline=False)
    embed.add_field(
        name="Description", value=safe(speaker.description, FIELD_VALUE_MAX) or "none", inline=False
    )
    return embed


def speakers_embed(page: Page[tuple[Speaker, int]]) -> discord.Embed:
    """One page of ``/speaker list``: name, kind and number of statements."""
    embed = discord.Embed(title="Speakers on record", colour=COLOUR)
    lines = []
    for speaker, count in page.items:
        noun = "statement" if count == 1 else "statements"
        lines.append(f"**{safe(speaker.name, 200)}** ({speaker.kind}) · {count:,} {noun}")
    embed.description = truncate("\n".join(lines), DESCRIPTION_MAX) or "No speakers yet."
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {page.total} speakers")
    return embed


# ---- views ---------------------------------------------------------------------------------------


class Paginator(OwnedView, Generic[T]):
    """Previous/Next over a ``Page`` source. Pages are fetched again on each click, through ``fetch``,
    which the cog binds to the invoking guild; nothing in a custom_id is trusted."""

    def __init__(
        self,
        first: Page[T],
        *,
        fetch: Callable[[int], Awaitable[Page[T]]],
        render: Callable[[Page[T]], discord.Embed],
        owner_id: int,
        guild_id: int,
        command: str,
        timeout_s: float = VIEW_TIMEOUT_S,
    ) -> None:
        super().__init__(owner_id=owner_id, guild_id=guild_id, command=command, timeout_s=timeout_s)
        self.page = first
        self._fetch = fetch
        self._render = render
        self.previous.custom_id = f"onrecord:page:prev:{self.nonce}"
        self.next.custom_id = f"onrecord:page:next:{self.nonce}"
        self._sync_buttons()

    @property
    def needed(self) -> bool:
        """Whether there is more than one page (otherwise send no buttons)."""
        return self.page.pages > 1

    def embed(self) -> discord.Embed:
        return self._render(self.page)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page.page <= 1
        self.next.disabled = self.page.page >= self.page.pages

    async def _go(self, interaction: discord.Interaction, number: int) -> None:
        page = await self._fetch(max(1, number))
        if not page.items and page.total and page.page > page.pages:
            page = await self._fetch(page.pages)  # the record shrank since the last page was shown
        self.page = page
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Paginator[T]]
    ) -> None:
        await self._go(interaction, self.page.page - 1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator[T]]) -> None:
        await self._go(interaction, self.page.page + 1)


async def send_paginated(
    interaction: discord.Interaction, view: Paginator[T], *, ephemeral: bool = False
) -> None:
    """Send the first page; with more than one page, attach the buttons and remember the message."""
    embed = view.embed()
    if not view.needed:
        view.stop()
        await send(interaction, embed=embed, ephemeral=ephemeral)
        return
    view.origin = interaction
    await send(interaction, embed=embed, view=view, ephemeral=ephemeral)
