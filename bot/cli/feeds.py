"""`onrecord feeds add|list|remove|enable|edit|fetch --guild ID`: the `/feeds` commands from the command line."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.container import Services
from bot.services.feeds import FeedInfo, describe_outcome
from db import migrate

CLI_ACTOR = 0  # feeds added from the command line carry actor id 0
T = TypeVar("T")


def _with_services(action: Callable[[Services], Awaitable[T]]) -> T:
    from bot.app import with_database
    from bot.cli.core import settings_from_env
    from bot.container import build_services

    settings = settings_from_env()

    async def run(engine: AsyncEngine) -> T:
        await migrate.upgrade(engine)
        services = build_services(settings, engine)
        try:
            return await action(services)
        finally:
            await services.feeds.close()

    return asyncio.run(with_database(settings, run))


def _describe(feed: FeedInfo) -> str:
    status = {"ok": "OK", "failing": "failing", "disabled": "disabled"}[feed.status]
    last = feed.last_fetch_at.strftime("%Y-%m-%d %H:%M UTC") if feed.last_fetch_at else "never"
    line = (
        f"#{feed.id} {feed.label} — {status}; last fetch {last}; every {feed.interval_min} min; "
        f"{feed.headline_count} headlines stored"
    )
    if feed.consecutive_failures:
        line += f"; {feed.consecutive_failures} failures in a row: {feed.last_error or 'unknown error'}"
    if feed.status == "disabled":
        line += f"; turned off after 24 h of failures: fix it, then `onrecord feeds enable {feed.id}`"
    if feed.name:
        line += f"\n    {feed.url}"
    return line


def _add(args: argparse.Namespace) -> int:
    added = _with_services(
        lambda s: s.feeds.add(args.guild, args.url, args.name, actor_id=CLI_ACTOR, interval_min=args.interval)
    )
    print(f"added {_describe(added.feed)}")  # noqa: T201
    print(f"first fetch: {describe_outcome(added.first_poll)}")  # noqa: T201
    return 0


def _list(args: argparse.Namespace) -> int:
    feeds = _with_services(lambda s: s.feeds.list_feeds(args.guild))
    if not feeds:
        print(f"guild {args.guild} follows no feeds")  # noqa: T201
    for feed in feeds:
        print(_describe(feed))  # noqa: T201
    return 0


def _remove(args: argparse.Namespace) -> int:
    removed = _with_services(lambda s: s.feeds.remove(args.guild, args.feed))
    print(f"removed feed #{removed.id} {removed.label} and its {removed.headline_count} headlines")  # noqa: T201
    return 0


def _enable(args: argparse.Namespace) -> int:
    enabled = _with_services(lambda s: s.feeds.enable(args.guild, args.feed))
    print(f"enabled {_describe(enabled)}; it is fetched at the next check")  # noqa: T201
    return 0


def _edit(args: argparse.Namespace) -> int:
    edited = _with_services(
        lambda s: s.feeds.edit(args.guild, args.feed, interval_min=args.interval, name=args.name)
    )
    print(f"edited {_describe(edited)}")  # noqa: T201
    return 0


def _fetch(args: argparse.Namespace) -> int:
    async def action(services: Services) -> list[str]:
        feeds = {f.id: f for f in await services.feeds.list_feeds(args.guild)}
        outcomes = {o.feed_id: o for o in await services.feeds.poll_all(args.guild)}
        lines = []
        for feed_id, feed in feeds.items():
            outcome = outcomes.get(feed_id)
            what = describe_outcome(outcome) if outcome else "disabled; not fetched"
            lines.append(f"#{feed_id} {feed.label}: {what}")
        return lines

    lines = _with_services(action)
    if not lines:
        print(f"guild {args.guild} follows no feeds")  # noqa: T201
    for line in lines:
        print(line)  # noqa: T201
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = sub.add_parser(
        "feeds", help="news feeds of a server", description="Manage a server's news feeds."
    )
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="follow a feed (fetches it once)")
    add.add_argument("url", help="the feed's address (https://…)")
    add.add_argument("--name", help="a short name to show")
    add.add_argument("--interval", type=int, default=30, help="minutes between checks (10-1440, default 30)")
    add.set_defaults(handler=_add)

    lst = actions.add_parser("list", help="the feeds and how they are doing")
    lst.set_defaults(handler=_list)

    rm = actions.add_parser("remove", help="stop following a feed and delete its headlines")
    rm.add_argument("feed", type=int, help="the feed number shown by `feeds list`")
    rm.set_defaults(handler=_remove)

    enable = actions.add_parser("enable", help="turn a disabled feed back on (or retry a failing one now)")
    enable.add_argument("feed", type=int, help="the feed number shown by `feeds list`")
    enable.set_defaults(handler=_enable)

    edit = actions.add_parser("edit", help="change a feed's check interval or name")
    edit.add_argument("feed", type=int, help="the feed number shown by `feeds list`")
    edit.add_argument("--interval", type=int, help="minutes between checks (10-1440)")
    edit.add_argument("--name", help="a short name to show")
    edit.set_defaults(handler=_edit)

    fetch = actions.add_parser("fetch", help="fetch every feed of the server once and say what happened")
    fetch.set_defaults(handler=_fetch)

    for parser in (add, lst, rm, enable, edit, fetch):
        parser.add_argument("--guild", type=int, required=True, help="the Discord server (guild) id")
