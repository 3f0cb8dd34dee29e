"""Rendering of claim checks: the verdict embed with highlighted matches, the share button, the check log.

Highlight spans are applied to the raw statement text and every piece is escaped with ``safe``, so the only
bold markers are ours. Every embed stays inside Discord's limits (6000 characters in all).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

import discord

from bot.services.claims import ClaimCheck, ClaimMatch, ClaimReport
from bot.ui.embeds import fmt_date
from bot.ui.statements_view import show_pointer, speaker_line
from bot.ui.text import ELLIPSIS, safe, source_link, truncate
from bot.ui.views import OwnedView

log = logging.getLogger(__name__)

EMBED_TOTAL = 6000
TITLE_MAX = 256
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
CLAIM_SHOWN_MAX = 600
WORDS_BUDGETS = (700, 450, 250, 120)  # tried in order until the embed fits
SOURCE_MAX = 300
VIEW_TIMEOUT_S = 600.0

VERDICT_COLOURS = {
    "on_record": discord.Colour.from_rgb(46, 139, 87),
    "related": discord.Colour.from_rgb(218, 165, 32),
    "none": discord.Colour.from_rgb(128, 128, 128),
}
VERDICT_LABELS = {"on_record": "on record", "related": "related", "none": "nothing on record"}
RELATED_TITLE = "Related statements on record"
NONE_TITLE = "Nothing on record matches this claim"


def _bold(escaped: str) -> str:
    return f"**{escaped}**"


def highlight(text: str, spans: Sequence[tuple[int, int]], limit: int, *, more: str | None = None) -> str:
    """``text`` escaped, with the ``[start, end)`` spans in bold, cut to ``limit`` characters with "…"
    and ``more`` when it does not fit. Spans outside the text or overlapping earlier ones are ignored."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        if start > pos:
            pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], False))
    rendered = [_bold(safe(raw)) if bold else safe(raw) for raw, bold in pieces]
    if sum(len(r) for r in rendered) <= limit:
        return "".join(rendered)
    tail = ELLIPSIS + (f" {more}" if more and (len(more) + 2) * 2 <= limit else "")
    budget = limit - len(tail)
    out: list[str] = []
    used = 0
    for (raw, bold), r in zip(pieces, rendered, strict=True):
        if used + len(r) <= budget:
            out.append(r)
            used += len(r)
            continue
        room = budget - used - (4 if bold else 0)
        cut = _longest_prefix(raw, room)
        if cut:
            out.append(_bold(safe(cut)) if bold else safe(cut))
        break
    return "".join(out).rstrip() + tail


def _longest_prefix(raw: str, room: int) -> str:
    """The longest prefix of ``raw`` whose escaped form fits in ``room`` characters."""
    if room <= 0:
        return ""
    lo, hi = 0, min(len(raw), room)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(safe(raw[:mid])) <= room:
            lo = mid
        else:
            hi = mid - 1
    return raw[:lo].rstrip()


def verdict_title(report: ClaimReport) -> str:
    best = report.best
    if report.verdict == "on_record" and best is not None:
        s = best.statement
        return truncate(f"On record: {speaker_line(s, 150)}, {fmt_date(s.said_on)} (#{s.number})", TITLE_MAX)
    if report.verdict == "related":
        return RELATED_TITLE
    return NONE_TITLE


def _filters(report: ClaimReport) -> str | None:
    parts: list[str] = []
    if report.speaker:
        parts.append(f"only {safe(report.speaker, 100)}")
    if report.date_from and report.date_to:
        parts.append(f"said {fmt_date(report.date_from)} to {fmt_date(report.date_to)}")
    elif report.date_from:
        parts.append(f"said on or after {fmt_date(report.date_from)}")
    elif report.date_to:
        parts.append(f"said on or before {fmt_date(report.date_to)}")
    return ("Searched " + ", ".join(parts) + ".") if parts else None


def match_field(match: ClaimMatch, words_max: int) -> tuple[str, str]:
    s = match.statement
    name = truncate(f"#{s.number} · score {match.score:.0f} · {speaker_line(s, 180)}", FIELD_NAME_MAX)
    source = source_link(
        s.source_url, s.source_name, SOURCE_MAX, too_long=f"(full link: `/quote show {s.number}`)"
    )
    meta = f"{fmt_date(s.said_on)} · {source} · #{s.number}"
    room = min(words_max, FIELD_VALUE_MAX - len(meta) - 3)
    words = highlight(s.text, match.highlights, room, more=show_pointer(s.number))
    return name, f"{words}\n{meta}"


def report_embed(report: ClaimReport, *, checked_by: str | None = None) -> discord.Embed:
    """The answer to a claim check: verdict title, the claim, and up to five matches in bold where they
    match. ``checked_by`` (a display name) goes in the footer of the copy shared in a channel."""
    for words_max in WORDS_BUDGETS:
        embed = _report_embed(report, words_max, checked_by)
        if len(embed) <= EMBED_TOTAL:
            return embed
    return embed  # the smallest budget always fits: 5 × (256 + ~500) plus a 600-character claim


def _report_embed(report: ClaimReport, words_max: int, checked_by: str | None) -> discord.Embed:
    lines = [f"**Claim:** {safe(report.claim, CLAIM_SHOWN_MAX)}"]
    if (filters := _filters(report)) is not None:
        lines.append(filters)
    shown = report.shown[:5]
    if not shown:
        lines.append("No statement on record is close to it; try other words or fewer filters.")
    embed = discord.Embed(
        title=verdict_title(report), description="\n".join(lines), colour=VERDICT_COLOURS[report.verdict]
    )
    for match in shown:
        name, value = match_field(match, words_max)
        embed.add_field(name=name, value=value, inline=False)
    footer = f"Scores run 0–100: on record from {report.strong:g}, related from {report.related:g}."
    if checked_by:
        footer = f"Checked by {checked_by[:100]} · {footer}"
    embed.set_footer(text=footer)
    return embed


def recent_embed(entries: Sequence[ClaimCheck]) -> discord.Embed:
    embed = discord.Embed(title="Recent claim checks", colour=VERDICT_COLOURS["none"])
    if not entries:
        embed.description = "No claims have been checked in this server yet."
        return embed
    lines: list[str] = []
    for e in entries:
        best = (
            f" · best #{e.best_number} (score {e.best_score:.0f})"
            if e.best_number is not None and e.best_score is not None
            else ""
        )
        when = f"<t:{int(e.checked_at.timestamp())}:R>"
        lines.append(f"{when} <@{e.user_id}> · {VERDICT_LABELS.get(e.verdict, e.verdict)}{best}")
        lines.append(f"> {safe(e.claim.replace(chr(10), ' '), 200)}")
    embed.description = truncate("\n".join(lines), 4000)
    return embed


class ShareView(OwnedView):
    """ "Share in channel" under an ephemeral claim check: only the member who checked may press it."""

    def __init__(self, report: ClaimReport, *, owner_id: int, guild_id: int) -> None:
        super().__init__(owner_id=owner_id, guild_id=guild_id, timeout_s=VIEW_TIMEOUT_S)
        self.report = report
        self.share.custom_id = f"onrecord:claim:share:{secrets.token_hex(8)}"

    @discord.ui.button(label="Share in channel", style=discord.ButtonStyle.primary)
    async def share(self, interaction: discord.Interaction, button: discord.ui.Button[ShareView]) -> None:
        button.disabled = True
        button.label = "Shared in channel"
        self.stop()
        await interaction.response.edit_message(view=self)
        embed = report_embed(self.report, checked_by=interaction.user.display_name)
        try:
            await interaction.followup.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.warning("could not share a claim check in channel %s", interaction.channel_id)
            await interaction.followup.send(
                "I could not post in this channel; check my permissions.", ephemeral=True
            )
