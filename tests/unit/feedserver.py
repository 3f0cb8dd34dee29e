"""A loopback HTTP server for fetcher tests and the fetch benchmark: the internet cannot exist here.

Routes (all GET, served on 127.0.0.1 with an ephemeral port):

``/feeds/<path>``            a file under the corpus root, with aiohttp's ETag / Last-Modified handling
``/redirect/<n>/<path>``     n redirects (302) down to ``/feeds/<path>``
``/redirect-to?url=<url>``   one redirect to any URL
``/big/<bytes>``             an honest Content-Length body of that size
``/chunked/<bytes>``         a chunked body of that size, no Content-Length
``/gzip/<path>``             the file gzip-compressed (Content-Encoding: gzip)
``/gzip-bomb/<bytes>``       that many zero bytes, gzip-compressed (a small Content-Length)
``/stall``                   never answers until the server stops
``/stall-body``              sends headers and a first chunk, then stalls
``/status/<code>``           an empty answer with that status
``/ignore-validators/<path>`` the file with an ETag, always 200 whatever the request says

:class:`RawServer` speaks raw HTTP/1.1 over asyncio streams for framing that aiohttp's server would not
produce (a lying Content-Length, a close-delimited body).
"""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path
from types import TracebackType
from typing import Self

from aiohttp import web

CORPUS_ROOT = Path(__file__).resolve().parents[3] / "shared" / "data" / "feeds"
if not CORPUS_ROOT.is_dir():  # the checkout is /work/main and the corpus /work/shared
    CORPUS_ROOT = Path("/work/shared/data/feeds")

_CHUNK = 64 * 1024


class FeedServer:
    """An in-process aiohttp server on 127.0.0.1; ``async with FeedServer() as server: server.url(...)``."""

    def __init__(self, root: Path = CORPUS_ROOT) -> None:
        self.root = root.resolve()
        self.stop_event = asyncio.Event()
        self.requests: list[web.Request] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{path.lstrip('/')}"

    async def __aenter__(self) -> Self:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/feeds/{path:.+}", self._feed)
        app.router.add_get("/redirect/{n:\\d+}/{path:.+}", self._redirect)
        app.router.add_get("/redirect-to", self._redirect_to)
        app.router.add_get("/big/{size:\\d+}", self._big)
        app.router.add_get("/chunked/{size:\\d+}", self._chunked)
        app.router.add_get("/gzip/{path:.+}", self._gzip)
        app.router.add_get("/gzip-bomb/{size:\\d+}", self._gzip_bomb)
        app.router.add_get("/stall", self._stall)
        app.router.add_get("/stall-body", self._stall_body)
        app.router.add_get("/status/{code:\\d+}", self._status)
        app.router.add_get("/ignore-validators/{path:.+}", self._ignore_validators)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_event.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _record(self, request: web.Request, handler: web.Handler) -> web.StreamResponse:
        self.requests.append(request)
        return await handler(request)

    def _file(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise web.HTTPNotFound()
        return path

    async def _feed(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(self._file(request.match_info["path"]))

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        path = request.match_info["path"]
        target = f"/redirect/{n - 1}/{path}" if n > 1 else f"/feeds/{path}"
        raise web.HTTPFound(target)

    async def _redirect_to(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(request.query["url"])

    async def _big(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * int(request.match_info["size"]), content_type="application/xml")

    async def _chunked(self, request: web.Request) -> web.StreamResponse:
        remaining = int(request.match_info["size"])
        response = web.StreamResponse(headers={"Content-Type": "application/xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        block = b"y" * _CHUNK
        try:
            while remaining > 0:
                await response.write(block[: min(_CHUNK, remaining)])
                remaining -= _CHUNK
        except (ConnectionResetError, ConnectionError):
            return response  # the client hung up, as it should past its cap
        await response.write_eof()
        return response

    async def _gzip(self, request: web.Request) -> web.StreamResponse:
        body = gzip.compress(self._file(request.match_info["path"]).read_bytes())
        return web.Response(
            body=body, headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
        )

    async def _gzip_bomb(self, request: web.Request) -> web.StreamResponse:
        body = gzip.compress(bytes(int(request.match_info["size"])), compresslevel=9)
        return web.Response(
            body=body, headers={"Content-Type": "application/xml", "Content-Encoding": "gzip"}
        )

    async def _stall(self, request: web.Request) -> web.StreamResponse:
        await self.stop_event.wait()
        return web.Response(text="too late")

    async def _stall_body(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"<rss><channel>")
        await self.stop_event.wait()
        return response

    async def _status(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=int(request.match_info["code"]))

    async def _ignore_validators(self, request: web.Request) -> web.StreamResponse:
        body = self._file(request.match_info["path"]).read_bytes()
        return web.Response(body=body, headers={"Content-Type": "application/xml", "ETag": '"fixed"'})


class RawServer:
    """Answers every connection with ``head`` followed by ``body_bytes`` bytes of ``b"z"``, then closes."""

    def __init__(self, head: bytes, body_bytes: int) -> None:
        self.head = head
        self.body_bytes = body_bytes
        self.sent = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[object]] = set()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(self.head)
            block = b"z" * _CHUNK
            while self.sent < self.body_bytes:
                writer.write(block)
                await writer.drain()
                self.sent += len(block)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client hung up, or the server is stopping
        finally:
            writer.close()
