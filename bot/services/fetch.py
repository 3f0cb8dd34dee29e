"""A guarded HTTP fetcher for feeds (and later, articles) that server owners point the bot at.

Anyone in a server can name a URL, so every fetch is treated as hostile input:

* only ``http`` and ``https``; no credentials in the URL;
* no server-side request forgery: a host that is, or resolves to, any non-global address (loopback, private,
  link-local, CGNAT, multicast, reserved, IPv6 unique-local, IPv4 embedded in IPv6, legacy numeric forms
  such as ``2130706433``) is refused. Names are resolved once by :class:`GuardedResolver`, which validates
  every address before aiohttp may connect to one, and :class:`GuardedConnector` checks the peer address of
  each connection it hands out, so DNS rebinding between check and connect does not help. Redirects are
  followed here, one hop at a time, and each hop goes through the same checks;
* a total time limit for the whole fetch (redirects included) and a connect time limit;
* a size cap enforced while streaming the (decompressed) body, so a gzip bomb or a lying
  ``Content-Length`` stops at the cap;
* conditional GET with the stored ``ETag`` / ``Last-Modified``; a 304 returns :class:`NotModified`.

An explicit allow-list (host names or IP addresses) lets tests and self-hosters fetch from loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from types import TracebackType
from typing import Protocol, Self, TypeAlias

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.client_reqrep import ClientRequest, ClientResponse
from aiohttp.connector import Connection
from aiohttp.tracing import Trace
from yarl import URL

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
ALLOW_HOSTS_ENV = "ONRECORD_FETCH_ALLOW_HOSTS"
PROJECT_URL = "https://github.com/onrecord/onrecord"

_CHUNK_BYTES = 64 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$")
_LEGACY_V4_PART = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$")
_LOCAL_NAMES = ("localhost", "localhost.localdomain")

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

_BLOCKED_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(net)
    for net in (
        # IPv4
        "0.0.0.0/8",  # "this network", incl. the unspecified address
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, incl. cloud metadata 169.254.169.254
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. broadcast
        # IPv6
        "::/96",  # unspecified, loopback and deprecated IPv4-compatible addresses
        "::ffff:0:0/96",  # IPv4-mapped (checked through the embedded address as well)
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, incl. Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def default_user_agent() -> str:
    """``OnRecord/<version> (+https://github.com/onrecord/onrecord)``."""
    try:
        version = metadata.version("onrecord")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"OnRecord/{version} (+{PROJECT_URL})"


def allow_hosts_from_env(environ: Mapping[str, str]) -> frozenset[str]:
    """Parse ``ONRECORD_FETCH_ALLOW_HOSTS`` (comma or space separated names/IPs); empty by default.

    Called by the settings loader, which is the only reader of ``os.environ``.
    """
    raw = environ.get(ALLOW_HOSTS_ENV, "")
    return frozenset(_normalise_host(item) for item in re.split(r"[\s,]+", raw) if item.strip())


# --------------------------------------------------------------------------------------------------------
# Errors


def _quote(text: str, limit: int = 100) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FetchError(Exception):
    """Base of every fetch failure. ``str()`` is for the logs; ``user_message`` is safe to show users."""

    default_user_message = "OnRecord could not fetch that address."

    def __init__(self, message: str, *, user_message: str | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message or self.default_user_message
        self.url = url


class InvalidUrl(FetchError):
    default_user_message = "That doesn't look like a web address. Check it and try again."


class UnsupportedScheme(FetchError):
    default_user_message = "OnRecord only fetches http:// and https:// addresses."


class BlockedAddress(FetchError):
    default_user_message = "The address points to a private network, which OnRecord never fetches."


class TooManyRedirects(FetchError):
    default_user_message = "The address redirects too many times, so OnRecord gave up."


class ResponseTooLarge(FetchError):
    default_user_message = "The response is larger than OnRecord downloads."


class FetchTimeout(FetchError):
    default_user_message = "The site took too long to answer. Try again later."


class HttpStatusError(FetchError):
    default_user_message = "The site answered with an error. Check the address or try again later."

    def __init__(self, status: int, *, url: str | None = None) -> None:
        super().__init__(
            f"HTTP status {status}",
            user_message=f"The site answered with error {status}. Check the address or try again later.",
            url=url,
        )
        self.status = status


class ConnectionFailed(FetchError):
    default_user_message = "OnRecord could not reach the site. Check the address or try again later."


# --------------------------------------------------------------------------------------------------------
# Address policy


def _normalise_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    ip = parse_ip(host)
    return str(ip) if ip is not None else host.rstrip(".")


def parse_ip(host: str) -> IPAddress | None:
    """Return the IP address a URL host denotes, including legacy IPv4 forms; None for a name.

    ``2130706433``, ``0x7f000001``, ``0x7f.1``, ``017700000001`` and ``127.1`` all mean 127.0.0.1 to
    ``inet_aton``, so they are read the same way here.
    """
    text = host.strip().lower().rstrip(".")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]  # an IPv6 zone id
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return _parse_legacy_ipv4(text)


def _parse_legacy_ipv4(text: str) -> ipaddress.IPv4Address | None:
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(_LEGACY_V4_PART.match(part) for part in parts):
        return None
    values = [
        int(part[2:] or "0", 16) if part.startswith("0x") else int(part, 8 if part.startswith("0") else 10)
        for part in parts
    ]
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for value in head:
        number = number * 256 + value
    return ipaddress.IPv4Address(number * 256 ** (4 - len(head)) + last)


def is_blocked_ip(ip: IPAddress) -> bool:
    """True for every address that is not plainly on the public internet."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and is_blocked_ip(embedded):
            return True
    if any(ip.version == net.version and ip in net for net in _BLOCKED_NETWORKS):
        return True
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_link_local


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which hosts and addresses may be fetched. ``allow_hosts`` bypasses the checks (tests, self-hosters)."""

    allow_hosts: frozenset[str] = frozenset()
    _allowed: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_allowed", frozenset(_normalise_host(h) for h in self.allow_hosts))

    def is_host_allowed(self, host: str) -> bool:
        return _normalise_host(host) in self._allowed

    def check_address(self, host: str, address: str) -> None:
        """Raise :class:`BlockedAddress` unless ``address`` (which ``host`` resolved to) may be used."""
        if self.is_host_allowed(host):
            return
        ip = parse_ip(address)
        if ip is None:
            raise BlockedAddress(f"{host!r} resolved to a non-address {address!r}")
        if str(ip) in self._allowed:
            return
        if is_blocked_ip(ip):
            raise BlockedAddress(f"{host!r} resolves to non-global address {ip}")

    def check_host(self, host: str) -> str:
        """Check a URL host before any lookup; return it canonical (legacy IPv4 forms become dotted quads)."""
        host = host.lower()
        ip = parse_ip(host)
        if ip is not None:
            self.check_address(host, str(ip))
            return str(ip)
        bare = host.rstrip(".")
        if not _HOSTNAME.match(bare):
            raise InvalidUrl(f"invalid host name {host!r}")
        if not self.is_host_allowed(bare) and (bare in _LOCAL_NAMES or bare.endswith(".localhost")):
            raise BlockedAddress(f"local host name {host!r}")
        return host

    def check_peer(self, host: str, peername: object) -> None:
        """Check the address a connection actually reached (``transport.get_extra_info("peername")``)."""
        if not isinstance(peername, tuple) or not peername or not isinstance(peername[0], str):
            raise BlockedAddress(f"cannot verify the peer address of {host!r}: {peername!r}")
        self.check_address(host, peername[0])

    def check_url(self, url: str | URL) -> URL:
        """Validate scheme, credentials and host of ``url``; return it with a canonical host."""
        try:
            parsed = url if isinstance(url, URL) else URL(url.strip())
        except (ValueError, TypeError) as exc:
            raise InvalidUrl(f"unparseable URL {url!r}", url=str(url)) from exc
        scheme = (parsed.scheme or "").lower()
        if not scheme:
            raise InvalidUrl(
                f"URL without scheme {str(parsed)!r}",
                user_message=f"`{_quote(str(parsed))}` is not a full web address; start it with https://.",
                url=str(parsed),
            )
        if scheme not in {"http", "https"}:
            raise UnsupportedScheme(
                f"scheme {scheme!r} refused",
                user_message=f"OnRecord only fetches http:// and https:// addresses, not `{_quote(scheme)}:`.",
                url=str(parsed),
            )
        raw_host = parsed.raw_host
        if not raw_host:
            raise InvalidUrl(f"URL without host {str(parsed)!r}", url=str(parsed))
        if parsed.user is not None or parsed.password is not None:
            raise InvalidUrl(
                "credentials in URL",
                user_message="Addresses with a user name or password are not supported.",
                url=str(parsed.with_user(None)),
            )
        try:
            host = self.check_host(raw_host)
        except FetchError as exc:
            exc.url = str(parsed)
            raise
        if host != raw_host.lower():
            parsed = parsed.with_host(host)
        return parsed


# --------------------------------------------------------------------------------------------------------
# aiohttp plumbing: a resolver that validates, a connector that checks the peer


class GuardedResolver(AbstractResolver):
    """Resolve once with ``inner`` and refuse the host if any resolved address is not allowed."""

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver) -> None:
        self._policy = policy
        self._inner = inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not results:
            raise OSError(f"no addresses for {host!r}")
        for result in results:
            self._policy.check_address(host, result["host"])
        return results

    async def close(self) -> None:
        await self._inner.close()


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector whose connections are verified against the policy at the socket level."""

    def __init__(self, *, policy: AddressPolicy, resolver: AbstractResolver, limit: int = 100) -> None:
        super().__init__(resolver=resolver, limit=limit, use_dns_cache=True, ttl_dns_cache=60)
        self._policy = policy

    async def connect(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 - the signature of aiohttp's BaseConnector.connect
    ) -> Connection:
        conn = await super().connect(req, traces, timeout)
        transport = conn.transport
        peername = transport.get_extra_info("peername") if transport is not None else None
        try:
            self._policy.check_peer(req.url.raw_host or "", peername)
        except BlockedAddress:
            conn.close()
            raise
        return conn


# --------------------------------------------------------------------------------------------------------
# Results and the fetcher


@dataclass(frozen=True, slots=True)
class FetchResult:
    final_url: str
    status: int
    body: bytes
    """The decoded body (gzip/deflate already removed)."""
    headers: Mapping[str, str]
    """Response headers with lower-cased names; repeated headers joined with ", "."""
    etag: str | None
    last_modified: str | None
    elapsed_s: float
    redirects: int = 0


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered 304 to our validators: nothing to parse."""

    final_url: str
    headers: Mapping[str, str]
    etag: str | None
    last_modified: str | None
    elapsed_s: float
    status: int = 304
    redirects: int = 0


class Fetcher(Protocol):
    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult | NotModified: ...


SessionFactory: TypeAlias = Callable[[aiohttp.BaseConnector], aiohttp.ClientSession]


class GuardedFetcher:
    """Fetch URLs under the rules in this module's docstring.

    ``session_factory`` receives the guarded connector and returns the ``ClientSession`` to use (the default
    builds one with no cookies and no proxy from the environment); it must use that connector, because the
    address checks live there. ``resolver`` is the DNS resolver to wrap (tests inject a fake one). Use as an
    async context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        session_factory: SessionFactory | None = None,
        *,
        allow_hosts: frozenset[str] = frozenset(),
        timeout_s: float = DEFAULT_TIMEOUT_S,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        user_agent: str | None = None,
        resolver: AbstractResolver | None = None,
        connection_limit: int = 100,
    ) -> None:
        self._session_factory = session_factory or _default_session
        self._policy = AddressPolicy(allow_hosts)
        self._timeout_s = timeout_s
        self._connect_timeout_s = min(connect_timeout_s, timeout_s)
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._user_agent = user_agent or default_user_agent()
        self._resolver = resolver
        self._connection_limit = connection_limit
        self._session: aiohttp.ClientSession | None = None

    @property
    def policy(self) -> AddressPolicy:
        return self._policy

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            inner = self._resolver or aiohttp.ThreadedResolver()
            connector = GuardedConnector(
                policy=self._policy,
                resolver=GuardedResolver(self._policy, inner),
                limit=self._connection_limit,
            )
            self._session = self._session_factory(connector)
        return self._session

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult | NotModified:
        """GET ``url``; raise a :class:`FetchError` subclass on any failure."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout_s):
                return await self._fetch(url, etag=etag, last_modified=last_modified, started=started)
        except TimeoutError as exc:
            raise FetchTimeout(f"no complete answer within {self._timeout_s:g} s", url=url) from exc
        except aiohttp.InvalidURL as exc:
            raise InvalidUrl(f"aiohttp refused the URL: {exc}", url=url) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise ConnectionFailed(f"{type(exc).__name__}: {_quote(str(exc), 300)}", url=url) from exc

    async def _fetch(
        self, url: str, *, etag: str | None, last_modified: str | None, started: float
    ) -> FetchResult | NotModified:
        current = self._policy.check_url(url)
        headers = {
            "User-Agent": self._user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        session = self._get_session()
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._connect_timeout_s)
        for redirects in range(self._max_redirects + 1):
            async with session.get(current, headers=headers, allow_redirects=False, timeout=timeout) as resp:
                self._check_response_peer(resp, current)
                if resp.status in _REDIRECT_STATUSES:
                    current = self._next_hop(current, resp, redirects)
                    continue
                response_headers = _lower_headers(resp)
                if resp.status == 304:
                    return NotModified(
                        final_url=str(current),
                        headers=response_headers,
                        etag=response_headers.get("etag") or etag,
                        last_modified=response_headers.get("last-modified") or last_modified,
                        elapsed_s=time.perf_counter() - started,
                        redirects=redirects,
                    )
                if not 200 <= resp.status < 300:
                    raise HttpStatusError(resp.status, url=str(current))
                body = await self._read_capped(resp, current)
                return FetchResult(
                    final_url=str(current),
                    status=resp.status,
                    body=body,
                    headers=response_headers,
                    etag=response_headers.get("etag"),
                    last_modified=response_headers.get("last-modified"),
                    elapsed_s=time.perf_counter() - started,
                    redirects=redirects,
                )
        raise AssertionError("unreachable: the redirect loop returns or raises")  # pragma: no cover

    def _next_hop(self, current: URL, resp: ClientResponse, redirects: int) -> URL:
        if redirects >= self._max_redirects:
            raise TooManyRedirects(
                f"more than {self._max_redirects} redirects",
                user_message=(
                    f"The address redirects more than {self._max_redirects} times, so OnRecord gave up."
                ),
                url=str(current),
            )
        location = resp.headers.get("Location", "").strip()
        if not location:
            raise HttpStatusError(resp.status, url=str(current))
        try:
            target = current.join(URL(location))
        except (ValueError, TypeError) as exc:
            raise InvalidUrl(f"bad redirect target {location!r}", url=str(current)) from exc
        log.debug("redirect %d from %s to %s", resp.status, current, target)
        return self._policy.check_url(target.with_fragment(None))

    def _check_response_peer(self, resp: ClientResponse, url: URL) -> None:
        # The connector already verified the socket; this re-checks the connection the response came on.
        connection = resp.connection
        transport = connection.transport if connection is not None else None
        if transport is not None:
            try:
                self._policy.check_peer(url.raw_host or "", transport.get_extra_info("peername"))
            except BlockedAddress:
                resp.close()
                raise

    async def _read_capped(self, resp: ClientResponse, url: URL) -> bytes:
        declared = resp.content_length
        if declared is not None and declared > self._max_bytes:
            resp.close()
            raise self._too_large(f"declared Content-Length {declared}", url)
        body = bytearray()
        async for chunk in resp.content.iter_chunked(_CHUNK_BYTES):
            body += chunk
            if len(body) > self._max_bytes:
                resp.close()  # drop the connection now instead of draining the rest
                raise self._too_large(f"body passed {self._max_bytes} bytes while streaming", url)
        return bytes(body)

    def _too_large(self, message: str, url: URL) -> ResponseTooLarge:
        megabytes = self._max_bytes / (1024 * 1024)
        return ResponseTooLarge(
            message,
            user_message=f"The response is larger than {megabytes:g} MB, more than OnRecord downloads.",
            url=str(url),
        )


def _default_session(connector: aiohttp.BaseConnector) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=connector,
        trust_env=False,  # no proxy from the environment: the peer checks must see the real server
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=True,
        raise_for_status=False,
    )


def _lower_headers(resp: ClientResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in resp.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers
