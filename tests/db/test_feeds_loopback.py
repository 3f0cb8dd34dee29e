"""A loopback feed server whose feeds tests edit at will (the internet cannot exist here), and its checks.

``/feed/<name>``   an RSS document built from ``server.items[name]``, with an ETag honoured on If-None-Match
``/status/<code>`` an empty answer with that status
``/gate/<name>``   waits until ``server.release`` is set (counts concurrent requests), then serves the feed
``/stall``         never answers until the server stops
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from types import TracebackType
from typing import Self
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web


@dataclass
class Item:
    title: str
    link: str | None = None
    published: datetime | None = None
    guid: str | None = None


class LoopbackFeeds:
    def __init__(self) -> None:
        self.items: dict[str, list[Item]] = {}
        self.hits: dict[str, int] = {}
        self.release = asyncio.Event()
        self.stop = asyncio.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self.reached: dict[int, asyncio.Event] = {}
        self.port = 0
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def feed_url(self, name: str) -> str:
        return self.url(f"feed/{name}")

    def waiter(self, n: int) -> asyncio.Event:
        return self.reached.setdefault(n, asyncio.Event())

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_get("/feed/{name}", self._feed)
        app.router.add_get("/gate/{name}", self._gate)
        app.router.add_get("/status/{code:\\d+}", self._status)
        app.router.add_get("/stall", self._stall)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def render(self, name: str) -> bytes:
        parts = [
            f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{escape(name)}</title>"
        ]
        for item in self.items.get(name, []):
            parts.append("<item>")
            parts.append(f"<title>{escape(item.title)}</title>")
            if item.link:
                parts.append(f"<link>{escape(item.link)}</link>")
            if item.guid:
                parts.append(f"<guid isPermaLink='false'>{escape(item.guid)}</guid>")
            if item.published:
                parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
            parts.append("</item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode()

    async def _feed(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.hits[name] = self.hits.get(name, 0) + 1
        body = self.render(name)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"Content-Type": "application/rss+xml", "ETag": etag})

    async def _gate(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        for n, event in self.reached.items():
            if self.in_flight >= n:
                event.set()
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        return await self._feed(request)

    async def _status(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=int(request.match_info["code"]))

    async def _stall(self, request: web.Request) -> web.StreamResponse:
        await self.stop.wait()
        return web.Response(text="too late")


async def test_loopback_feed_serves_items_and_honours_etag() -> None:
    async with LoopbackFeeds() as server, aiohttp.ClientSession() as http:
        server.items["a"] = [Item("Hello <world>", "https://example.com/1")]
        async with http.get(server.feed_url("a")) as resp:
            body = await resp.read()
            etag = resp.headers["ETag"]
        assert b"Hello &lt;world&gt;" in body
        async with http.get(server.feed_url("a"), headers={"If-None-Match": etag}) as resp:
            assert resp.status == 304
