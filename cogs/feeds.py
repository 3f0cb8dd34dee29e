"""`/feeds`: the news feeds a server follows for its digests (Manage Server), and the polling loop."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.client import OnRecordBot
from bot.services.feeds import DEFAULT_INTERVAL_MIN, MAX_INTERVAL_MIN, MIN_INTERVAL_MIN, AddedFeed
from bot.ui import digests as ui
from bot.ui.text import code, safe
from cogs._common import guild_of, reply

log = logging.getLogger(__name__)


def _added_message(added: AddedFeed) -> str:
    feed, poll = added.feed, added.first_poll
    head = f"Added feed #{feed.id} {safe(feed.label, 100)}; OnRecord checks it every {feed.interval_min} minutes."
    if poll.result in ("failed", "disabled"):
        return f"{head} The first fetch failed: {safe(poll.error, 300)} OnRecord will keep trying."
    return f"{head} {feed.headline_count} headline{'s' if feed.headline_count != 1 else ''} stored so far."


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Feeds(commands.GroupCog, group_name="feeds", group_description="News feeds for the daily digest"):
    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.services = bot.services
        self._iteration = asyncio.Lock()
        super().__init__()

    async def cog_load(self) -> None:
        self.poll.change_interval(seconds=self.services.settings.feed_poll_tick_s)
        self.poll.start()

    async def cog_unload(self) -> None:
        async with self._iteration:  # never cancel the loop in the middle of a database transaction
            self.poll.cancel()
        await self.services.feeds.close()

    # ---- the polling loop --------------------------------------------------------------------------

    @tasks.loop(seconds=60)
    async def poll(self) -> None:
        async with self._iteration:
            try:
                await self.services.feeds.poll_due(wait=False)
            except Exception:  # loop guard: a database hiccup must not end polling
                log.exception("starting the feed polls failed")

    @poll.before_loop
    async def _before_poll(self) -> None:
        await self.bot.wait_until_ready()

    @poll.error
    async def _poll_error(self, error: BaseException) -> None:
        log.error("the feed polling loop stopped", exc_info=error)

    # ---- commands ----------------------------------------------------------------------------------

    @app_commands.command(name="add", description="Follow a news feed (RSS, Atom or JSON Feed)")
    @app_commands.describe(
        url="The feed's address, starting with https://",
        name="A short name to show",
        interval="Minutes between checks (10 to 1440, default 30)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000],
        name: app_commands.Range[str, 1, 100] | None = None,
        interval: app_commands.Range[int, MIN_INTERVAL_MIN, MAX_INTERVAL_MIN] = DEFAULT_INTERVAL_MIN,
    ) -> None:
        guild_id = guild_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        added = await self.services.feeds.add(
            guild_id, url, name, actor_id=interaction.user.id, interval_min=interval
        )
        await reply(interaction, _added_message(added))

    @app_commands.command(name="remove", description="Stop following a feed and delete its headlines")
    @app_commands.describe(feed="The feed to remove")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, feed: int) -> None:
        removed = await self.services.feeds.remove(guild_of(interaction), feed)
        await reply(interaction, f"Removed feed #{removed.id} {safe(removed.label, 100)}.")

    @app_commands.command(
        name="enable", description="Turn a disabled feed back on, or retry a failing one now"
    )
    @app_commands.describe(feed="The feed to turn back on")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def enable(self, interaction: discord.Interaction, feed: int) -> None:
        enabled = await self.services.feeds.enable(guild_of(interaction), feed)
        await reply(
            interaction,
            f"Feed #{enabled.id} {safe(enabled.label, 100)} is on again; OnRecord fetches it at the next check.",
        )

    @app_commands.command(name="edit", description="Change how often a feed is checked, or its name")
    @app_commands.describe(
        feed="The feed to change",
        interval="Minutes between checks (10 to 1440)",
        name="A short name to show",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def edit(
        self,
        interaction: discord.Interaction,
        feed: int,
        interval: app_commands.Range[int, MIN_INTERVAL_MIN, MAX_INTERVAL_MIN] | None = None,
        name: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        edited = await self.services.feeds.edit(guild_of(interaction), feed, interval_min=interval, name=name)
        await reply(
            interaction,
            f"Feed #{edited.id} {safe(edited.label, 100)}: OnRecord checks it every {edited.interval_min} minutes.",
        )

    @remove.autocomplete("feed")
    @enable.autocomplete("feed")
    @edit.autocomplete("feed")
    async def _feed_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        choices = await self.services.feeds.choices(interaction.guild_id, current)
        return [app_commands.Choice(name=label, value=feed_id) for feed_id, label in choices]

    @app_commands.command(name="list", description="The feeds this server follows and how they are doing")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        feeds = await self.services.feeds.list_feeds(guild_of(interaction))
        await reply(interaction, embed=ui.feed_list(feeds))

    @app_commands.command(name="test", description="Fetch a feed now and show its newest headlines")
    @app_commands.describe(url="The feed's address, starting with https://")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def test(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]) -> None:
        guild_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.services.feeds.test(url)
        await reply(interaction, f"Fetched {code(result.final_url, 200)}.", embed=ui.feed_test(result))


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(Feeds(bot))
