"""Rendering of a DigestDocument: Discord embeds split within Discord's limits, and the same text as Markdown.

Both renderers use the same lines, so `onrecord digest preview` prints exactly the escaped text a channel
would show. Every piece of feed or user text goes through ``safe`` (no markdown injection, no pings).
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.services.digests import SECTION_TITLES, DigestDocument, Section
from bot.services.feeds import FeedInfo, FeedTest
from bot.ui.embeds import COLOUR
from bot.ui.text import link_target, safe, source_link, truncate

EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TITLE_LIMIT = 256
EMBED_FOOTER_LIMIT = 2048
MESSAGE_EMBED_CHARS = 6000
MESSAGE_EMBEDS = 10
_DESCRIPTION_BUDGET = 4000
_MESSAGE_BUDGET = 5900
_LINE_LIMIT = 3000


@dataclass(frozen=True, slots=True)
class Block:
    """One embed's worth of text: a title and a description."""

    title: str
    description: str


def link(text: str, url: str | None, limit: int = 300) -> str:
    label = safe(text, limit).replace("]", "\\]")
    target = link_target(url) if url else None
    return f"[{label}]({target})" if target else label


def section_lines(document: DigestDocument, section: Section) -> list[str]:
    lines: list[str] = []
    if section == "headlines":
        for i, story in enumerate(document.stories, start=1):
            outlets = ", ".join(safe(o, 60) for o in story.outlets if o)
            more = (
                f" +{story.more_sources} source{'s' if story.more_sources != 1 else ''}"
                if story.more_sources
                else ""
            )
            source = f" — {outlets}{more}" if outlets or more else ""
            lines.append(f"**{i}.** {link(story.title, story.link)}{source} · {story.local_time}")
    elif section == "statements":
        for group in document.groups:
            lines.append(f"**{safe(group.speaker, 100)}**")
            lines.extend(f"• #{st.number} “{safe(st.text, 350)}” ({st.said_on})" for st in group.statements)
    else:
        for entry in document.related:
            lines.append(f"• {link(entry.headline, entry.link)}")
            lines.extend(
                f"  ↳ #{m.number} {safe(m.speaker, 100)}, {m.said_on}: “{safe(m.text, 250)}”"
                for m in entry.matches
            )
    return [truncate(line, _LINE_LIMIT) for line in lines]


def blocks(document: DigestDocument) -> list[Block]:
    """The document as embed-sized blocks, in order; the first carries the digest title."""
    if document.is_empty:
        return [Block(truncate(document.title, EMBED_TITLE_LIMIT), safe(document.note, 4000))]
    out: list[Block] = []
    for section in document.sections:
        lines = section_lines(document, section)
        if not lines:
            continue
        heading = SECTION_TITLES[section]
        chunks: list[list[str]] = [[]]
        size = 0
        for line in lines:
            if chunks[-1] and size + len(line) + 1 > _DESCRIPTION_BUDGET:
                chunks.append([])
                size = 0
            chunks[-1].append(line)
            size += len(line) + 1
        for n, chunk in enumerate(chunks):
            title = heading if n == 0 else f"{heading} (continued)"
            out.append(Block(title, "\n".join(chunk)))
    first = out[0]
    out[0] = Block(document.title, f"**{first.title}**\n{first.description}")
    if len(out[0].description) > EMBED_DESCRIPTION_LIMIT:  # the heading pushed it over: split once more
        head, _, tail = out[0].description.rpartition("\n")
        out[0] = Block(document.title, head)
        out.insert(1, Block(f"{first.title} (continued)", tail))
    return out


def to_markdown(document: DigestDocument) -> str:
    """The digest as Markdown with Discord's escaping (what `onrecord digest preview` prints)."""
    parts = [f"# {document.title}", ""]
    if document.is_empty:
        parts += [safe(document.note) if document.note else "(nothing would be posted)", ""]
    else:
        for section in document.sections:
            lines = section_lines(document, section)
            if lines:
                parts += [f"## {SECTION_TITLES[section]}", *lines, ""]
    if document.footer:
        parts += [f"-# {document.footer}", ""]
    return "\n".join(parts)


def _embed(block: Block) -> discord.Embed:
    return discord.Embed(
        title=truncate(block.title, EMBED_TITLE_LIMIT),
        description=block.description[:EMBED_DESCRIPTION_LIMIT],
        colour=COLOUR,
    )


def _size(embed: discord.Embed) -> int:
    return len(embed)


def to_messages(document: DigestDocument) -> list[list[discord.Embed]]:
    """Embeds grouped into messages: ≤ 10 embeds and ≤ 6,000 characters of embed text per message."""
    embeds = [_embed(b) for b in blocks(document)]
    if document.footer:
        embeds[-1].set_footer(text=truncate(document.footer, EMBED_FOOTER_LIMIT))
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in embeds:
        n = _size(embed)
        if messages[-1] and (size + n > _MESSAGE_BUDGET or len(messages[-1]) >= MESSAGE_EMBEDS):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += n
    return messages


def within_limits(messages: list[list[discord.Embed]]) -> bool:
    """True when every message respects Discord's embed limits (used by tests and as a last check)."""
    for embeds in messages:
        if not 1 <= len(embeds) <= MESSAGE_EMBEDS or sum(len(e) for e in embeds) > MESSAGE_EMBED_CHARS:
            return False
        for e in embeds:
            if len(e.title or "") > EMBED_TITLE_LIMIT or len(e.description or "") > EMBED_DESCRIPTION_LIMIT:
                return False
    return True


# ---- feeds ---------------------------------------------------------------------------------------------


def _when(moment: object) -> str:
    from datetime import datetime

    if not isinstance(moment, datetime):
        return "never"
    return discord.utils.format_dt(moment, "R")


def feed_list(feeds: list[FeedInfo]) -> discord.Embed:
    embed = discord.Embed(title="Feeds", colour=COLOUR)
    if not feeds:
        embed.description = "No feeds yet. Add one with `/feeds add`."
        return embed
    lines: list[str] = []
    for f in feeds:
        status = {"ok": "OK", "failing": "failing", "disabled": "disabled"}[f.status]
        line = (
            f"**#{f.id} {safe(f.label, 80)}** — {status}\n"
            f"last fetch {_when(f.last_fetch_at)} · every {f.interval_min} min · "
            f"{f.headline_count} headline{'s' if f.headline_count != 1 else ''} stored"
        )
        if f.consecutive_failures:
            line += f"\n{f.consecutive_failures} failure{'s' if f.consecutive_failures != 1 else ''} in a row"
            if f.last_error:
                line += f": {safe(f.last_error, 200)}"
        if f.status == "disabled":
            line += f"\nTurned off after 24 h of failures; fix the address, then `/feeds enable feed:{f.id}`."
        lines.append(line)
    description = "\n\n".join(lines)
    embed.description = truncate(description, EMBED_DESCRIPTION_LIMIT)
    return embed


def feed_test(result: FeedTest) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(safe(result.title, 200) or "Feed test", EMBED_TITLE_LIMIT),
        description=f"{result.headline_count} headline{'s' if result.headline_count != 1 else ''} found. The newest:",
        colour=COLOUR,
    )
    for h in result.newest:
        when = discord.utils.format_dt(h.published, "R") if h.published else "no date"
        embed.add_field(
            name=truncate(safe(h.title, 200) or "(untitled)", 256),
            value=f"{source_link(h.link, None, 300) if h.link else 'no link'} · {when}",
            inline=False,
        )
    return embed
