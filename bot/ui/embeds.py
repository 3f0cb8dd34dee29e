"""Rendering of domain objects as Discord embeds. All user text goes through ``safe``."""

from __future__ import annotations

from datetime import date

import discord

from bot.domain import KIND_LABELS, AuditEntry, GuildConfig, Statement
from bot.ui.text import safe, source_link

COLOUR = discord.Colour.from_rgb(44, 95, 138)


def fmt_date(d: date | None) -> str:
    return d.strftime("%B %-d, %Y") if d else "date unknown"


def fmt_duration(seconds: float) -> str:
    s = int(seconds)
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    parts = [f"{days}d"] if days else []
    if days or hours:
        parts.append(f"{hours}h")
    parts.append(f"{minutes}m")
    if not days:
        parts.append(f"{s}s")
    return " ".join(parts)


def about(version: str, statements_here: int, uptime_s: float, servers: int) -> discord.Embed:
    embed = discord.Embed(
        title="OnRecord",
        description="Keeps what officials said on the record: statements, claim checks and daily digests.",
        colour=COLOUR,
    )
    embed.add_field(name="Version", value=version)
    embed.add_field(name="Statements on record here", value=f"{statements_here:,}")
    embed.add_field(name="Uptime", value=fmt_duration(uptime_s))
    embed.set_footer(text=f"Serving {servers} server{'s' if servers != 1 else ''}")
    return embed


def guild_settings(config: GuildConfig) -> discord.Embed:
    embed = discord.Embed(title="OnRecord settings", colour=COLOUR)
    embed.add_field(name="Time zone", value=config.timezone)
    role = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else "none (Manage Messages only)"
    embed.add_field(name="Moderator role", value=role)
    embed.add_field(
        name="Claim thresholds",
        value=f"on record ≥ {config.match_strong:g}, related ≥ {config.match_related:g}",
    )
    return embed


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def statement_summary(s: Statement, *, heading: str) -> discord.Embed:
    """A compact card used to confirm a change (add, edit, remove, restore)."""
    embed = discord.Embed(
        title=f"{heading} — #{s.number}",
        description=f"“{safe(s.text, 1500, more=f'(see `/quote show {s.number}`)')}”",
        colour=COLOUR,
    )
    who = safe(s.speaker_name, 200) + (f", {safe(s.speaker_title, 300)}" if s.speaker_title else "")
    embed.add_field(name="Speaker", value=who, inline=False)
    embed.add_field(name="Said on", value=fmt_date(s.said_on))
    embed.add_field(name="Kind", value=kind_label(s.kind))
    embed.add_field(name="Status", value=s.status)
    if s.source_url or s.source_name:
        embed.add_field(name="Source", value=source_link(s.source_url, s.source_name, 1024), inline=False)
    return embed


def _audit_value(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def history(s: Statement, entries: list[AuditEntry]) -> discord.Embed:
    """The audit trail of one statement, newest last, within embed limits."""
    embed = discord.Embed(title=f"History of #{s.number}", colour=COLOUR)
    lines: list[str] = []
    for e in entries:
        when = discord.utils.format_dt(e.at, "f")
        line = (
            f"**{e.action}** by <@{e.actor_id}> {when}"
            if e.actor_id
            else f"**{e.action}** by the command line {when}"
        )
        if e.reason:
            line += f" — {safe(e.reason, 200)}"
        changes = []
        for key in e.after or e.before or {}:
            if e.action == "create":
                continue
            before = _audit_value((e.before or {}).get(key))
            after = _audit_value((e.after or {}).get(key))
            changes.append(f"  {key}: {safe(before, 150)} → {safe(after, 150)}")
        lines.append("\n".join([line, *changes]))
    text = "\n".join(lines) or "No changes recorded."
    if len(text) > 4000:
        text = "…\n" + text[-3990:].split("\n", 1)[-1]
    embed.description = text
    embed.set_footer(text=f"{s.edit_count} edit{'s' if s.edit_count != 1 else ''}")
    return embed
