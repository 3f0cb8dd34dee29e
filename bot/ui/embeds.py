"""Rendering of domain objects as Discord embeds. All user text goes through ``safe``."""

from __future__ import annotations

from datetime import date

import discord

from bot.domain import KIND_LABELS, GuildConfig

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
