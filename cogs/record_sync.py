"""Keeps this process's match index in step with changes made elsewhere (other bot processes, CLI imports)."""

from __future__ import annotations

import logging

from discord.ext import commands, tasks

from bot.client import OnRecordBot

log = logging.getLogger(__name__)


class RecordSync(commands.Cog):
    def __init__(self, bot: OnRecordBot) -> None:
        self.bot = bot
        self.index = bot.services.index

    async def cog_load(self) -> None:
        self.follow.change_interval(seconds=self.bot.services.settings.index_sync_s)
        self.follow.start()

    async def cog_unload(self) -> None:
        self.follow.cancel()

    @tasks.loop(seconds=2)
    async def follow(self) -> None:
        try:
            changed = await self.index.catch_up()
        except Exception:  # loop guard: a database hiccup must not stop the index from following
            log.exception("following the record's changes failed; retrying on the next tick")
            return
        if changed:
            log.debug("match index caught up with %d changed statements", changed)

    @follow.error
    async def _follow_error(self, error: BaseException) -> None:
        log.error("the record-sync loop stopped", exc_info=error)


async def setup(bot: OnRecordBot) -> None:
    await bot.add_cog(RecordSync(bot))
