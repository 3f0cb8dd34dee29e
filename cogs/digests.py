"""`/digest`: daily headline digests per channel (Manage Server), and the loop that posts them exactly once."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.client import OnRecordBot
from bot.services.digests import (
    MAX_ITEMS,
    DigestDeliveryError,
    DigestDocument,
    SubscriptionView,
    format_post_time,
)
from bot.services.guild_config import timezone_choices
from bot.ui import digests as ui
from bot.ui.embeds import COLOUR
from bot.ui.text import safe
from cogs._common import guild_of, reply

log = logging.getLogger(__name__)


class ChannelPoster:
    """The digest service's Poster: sends rendered embeds to a channel, no pings."""

    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot

    async def post(self, channel_id: int, document: DigestDocument) -> list[int]:
        channel = self.bot.get_partial_messageable(channel_id)
        ids: list[int] = []
        try:
            for embeds in ui.to_messages(document):
                message = await channel.send(embeds=embeds, allowed_mentions=discord.AllowedMentions.none())
                ids.append(message.id)
        except discord.NotFound as exc:
            raise DigestDeliveryError(
                f"channel {channel_id}: {exc}", "the channel no longer exists"
            ) from None
        except discord.Forbidden as exc:
            raise DigestDeliveryError(
                f"channel {channel_id}: {exc}", "OnRecord is not allowed to post in that channel"
            ) from None
        return ids


def _list_embed(views: list[SubscriptionView]) -> discord.Embed:
    embed = discord.Embed(title="Digests", colour=COLOUR)
    if not views:
        embed.description = "No digests yet. Set one up with `/digest setup`."
        return embed
    for view in views[:25]:
        s = view.subscription
        when = (
            f"next {discord.utils.format_dt(view.next_post_at, 'F')} ({discord.utils.format_dt(view.next_post_at, 'R')})"
            if view.next_post_at
            else "paused"
        )
        sections = ", ".join(s.sections)
        embed.add_field(
            name=f"#{s.number} · {format_post_time(s.post_time)} {s.timezone}",
            value=(
                f"<#{s.channel_id}> · up to {s.max_items} headlines · {sections}\n{when}\n"
                f"last: {safe(s.last_result, 300) if s.last_result else 'not posted yet'}"
            )[:1024],
            inline=False,
        )
    return embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Digests(commands.GroupCog, group_name="digest", group_description="Daily headline digests"):
    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.poster = ChannelPoster(bot)
        self._iteration = asyncio.Lock()
        super().__init__()

    async def cog_load(self) -> None:
        self.tick.change_interval(seconds=self.services.settings.digest_tick_s)
        self.tick.start()

    async def cog_unload(self) -> None:
        async with self._iteration:  # never cancel the loop in the middle of posting a digest
            self.tick.cancel()

    # ---- the posting loop --------------------------------------------------------------------------

    @tasks.loop(seconds=60)
    async def tick(self) -> None:
        async with self._iteration:
            try:
                outcomes = await self.services.digests.run_due(self.services.clock(), self.poster)
            except Exception:  # loop guard: a database hiccup must not end the schedule
                log.exception("the digest tick failed")
                return
        for o in outcomes:
            log.info("digest #%d of guild %d: %s", o.subscription_number, o.guild_id, o.result)

    @tick.before_loop
    async def _before_tick(self) -> None:
        await self.bot.wait_until_ready()

    @tick.error
    async def _tick_error(self, error: BaseException) -> None:
        log.error("the digest loop stopped", exc_info=error)

    # ---- commands ----------------------------------------------------------------------------------

    @app_commands.command(name="setup", description="Post a daily digest in a channel at a local time")
    @app_commands.describe(
        channel="Where the digest is posted",
        time="Local time of day, 24-hour HH:MM, e.g. 08:00",
        timezone="An IANA time zone such as Europe/London or America/New_York",
        max_items="How many top headlines to show (default 10)",
        sections="Which parts to include: headlines, statements, related (default: all)",
        post_empty="Post a one-line note on days with nothing new (default: yes)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup_(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 10],
        timezone: app_commands.Range[str, 1, 64],
        max_items: app_commands.Range[int, 1, MAX_ITEMS] = 10,
        sections: app_commands.Range[str, 1, 100] | None = None,
        post_empty: bool = True,
    ) -> None:
        sub = await self.services.digests.setup(
            guild_of(interaction),
            channel_id=channel.id,
            post_time=time,
            timezone=timezone,
            max_items=max_items,
            sections=sections,
            post_empty=post_empty,
            actor_id=interaction.user.id,
        )
        await reply(
            interaction,
            f"Digest #{sub.number} will be posted in {channel.mention} every day at "
            f"{format_post_time(sub.post_time)} ({sub.timezone}).",
        )

    @setup_.autocomplete("timezone")
    async def _timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]

    @app_commands.command(
        name="list", description="This server's digests, their next post time and last result"
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        views = await self.services.digests.list_subscriptions(guild_of(interaction))
        await reply(interaction, embed=_list_embed(views))

    @app_commands.command(name="preview", description="See (only you) what a digest would post now")
    @app_commands.describe(digest="Which digest (default: the first, or default settings)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def preview(self, interaction: discord.Interaction, digest: int | None = None) -> None:
        guild_id = guild_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        document = await self.services.digests.preview(guild_id, digest)
        for embeds in ui.to_messages(document):
            await interaction.followup.send(embeds=embeds, ephemeral=True)

    @app_commands.command(name="post-now", description="Post a digest in its channel right away")
    @app_commands.describe(digest="Which digest to post")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def post_now(self, interaction: discord.Interaction, digest: int) -> None:
        guild_id = guild_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.services.digests.post_now(guild_id, digest, self.poster)
        sub, n = result.subscription, len(result.message_ids)
        await reply(
            interaction,
            f"Posted digest #{sub.number} in <#{sub.channel_id}> ({n} message{'s' if n != 1 else ''}).",
        )

    @app_commands.command(name="pause", description="Stop posting a digest until you resume it")
    @app_commands.describe(digest="Which digest to pause")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def pause(self, interaction: discord.Interaction, digest: int) -> None:
        sub = await self.services.digests.set_paused(guild_of(interaction), digest, is_paused=True)
        await reply(interaction, f"Digest #{sub.number} is paused. Use `/digest resume` to start it again.")

    @app_commands.command(name="resume", description="Start posting a paused digest again")
    @app_commands.describe(digest="Which digest to resume")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def resume(self, interaction: discord.Interaction, digest: int) -> None:
        sub = await self.services.digests.set_paused(guild_of(interaction), digest, is_paused=False)
        await reply(interaction, f"Digest #{sub.number} is running again.")

    @app_commands.command(name="remove", description="Delete a digest for good")
    @app_commands.describe(digest="Which digest to remove")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, digest: int) -> None:
        sub = await self.services.digests.remove(guild_of(interaction), digest)
        await reply(interaction, f"Removed digest #{sub.number}.")

    @preview.autocomplete("digest")
    @post_now.autocomplete("digest")
    @pause.autocomplete("digest")
    @resume.autocomplete("digest")
    @remove.autocomplete("digest")
    async def _digest_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        choices = await self.services.digests.choices(interaction.guild_id, current)
        return [app_commands.Choice(name=label, value=number) for number, label in choices]


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(Digests(bot))
