"""GuardedFetcher against a loopback server; DNS is a fake resolver, so nothing touches the real network."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.services.feed_parse import parse_feed
from bot.services.fetch import (
    AddressPolicy,
    BlockedAddress,
    ConnectionFailed,
    Fetcher,
    FetchError,
    FetchResult,
    FetchTimeout,
    GuardedConnector,
    GuardedFetcher,
    HttpStatusError,
    InvalidUrl,
    NotModified,
    ResponseTooLarge,
    TooManyRedirects,
    UnsupportedScheme,
    allow_hosts_from_env,
    default_user_agent,
    is_blocked_ip,
    parse_ip,
)
from tests.unit.feedserver import CORPUS_ROOT, FeedServer, RawServer

BBC = "realistic/news/bbc-news-world__1796df62.xml"
SIX_MB = 6 * 1024 * 1024


class FakeResolver(AbstractResolver):
    """Maps names to fixed addresses and records lookups; unknown names fail like NXDOMAIN."""

    def __init__(self, table: Mapping[str, Sequence[str]] | None = None) -> None:
        self.table = dict(table or {})
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        if host not in self.table:
            raise OSError(f"fake DNS: no such host {host!r}")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.table[host]
        ]

    async def close(self) -> None:
        return None


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as feed_server:
        yield feed_server


@pytest.fixture
def resolver() -> FakeResolver:
    return FakeResolver({"feeds.test": ["127.0.0.1"]})


@pytest.fixture
async def fetcher(resolver: FakeResolver) -> AsyncIterator[GuardedFetcher]:
    async with GuardedFetcher(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=10, resolver=resolver) as f:
        yield f


@pytest.fixture
async def strict_fetcher(resolver: FakeResolver) -> AsyncIterator[GuardedFetcher]:
    """Nothing allow-listed: the production policy."""
    async with GuardedFetcher(timeout_s=10, resolver=resolver) as f:
        yield f


def test_bbc_fixture_exists() -> None:
    assert (CORPUS_ROOT / BBC).is_file()


# ---------------------------------------------------------------------------------------------- pure policy


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "2130706433", "0x7f000001", "0x7f.1", "017700000001", "127.1", "0177.0.0.1", "127.0.0.1."],
)
def test_parse_ip_legacy_ipv4_forms_mean_loopback(host: str) -> None:
    assert parse_ip(host) == ipaddress.IPv4Address("127.0.0.1")


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "08.1.1.1", "1e3", "256.1.1.1", "feeds.test"])
def test_parse_ip_names_and_invalid_forms_are_not_addresses(host: str) -> None:
    assert parse_ip(host) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "224.0.0.1", "239.255.255.250", "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
        "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1",
        "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:a00:1::", "2001:db8::1",
        "2001::1", "fec0::1",
    ],
)  # fmt: skip
def test_is_blocked_ip_non_global_address_blocked(address: str) -> None:
    assert is_blocked_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"]
)
def test_is_blocked_ip_global_address_allowed(address: str) -> None:
    assert not is_blocked_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "peer",
    [("127.0.0.1", 80), ("10.0.0.1", 443), ("::1", 80, 0, 0), ("::ffff:127.0.0.1", 80, 0, 0), None, ()],
)
def test_check_peer_private_or_unknown_peer_refused(peer: object) -> None:
    with pytest.raises(BlockedAddress):
        AddressPolicy().check_peer("news.example", peer)


def test_check_peer_global_peer_allowed() -> None:
    AddressPolicy().check_peer("news.example", ("93.184.216.34", 443))


def test_check_peer_allow_listed_address_allowed() -> None:
    AddressPolicy(frozenset({"127.0.0.1"})).check_peer("feeds.test", ("127.0.0.1", 8080))


def test_check_peer_allow_listed_host_name_allowed() -> None:
    AddressPolicy(frozenset({"feeds.test"})).check_peer("feeds.test", ("127.0.0.1", 8080))


def test_allow_hosts_from_env_parses_names_and_addresses() -> None:
    env = {"ONRECORD_FETCH_ALLOW_HOSTS": " LocalHost, 127.0.0.1  [::1],feeds.test. "}
    assert allow_hosts_from_env(env) == frozenset({"localhost", "127.0.0.1", "::1", "feeds.test"})


def test_allow_hosts_from_env_unset_is_empty() -> None:
    assert allow_hosts_from_env({}) == frozenset()


def test_default_user_agent_names_project() -> None:
    agent = default_user_agent()
    assert agent.startswith("OnRecord/")
    assert agent.endswith(" (+https://github.com/onrecord/onrecord)")


def test_guarded_fetcher_satisfies_fetcher_protocol() -> None:
    fetcher: Fetcher = GuardedFetcher()
    assert callable(fetcher.fetch)


# ------------------------------------------------------------------------------------- refused before IO


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:c0a8:101::]/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://127.0.0.1.:8080/",
        "https://localhost/",
        "http://app.localhost/",
    ],
)
async def test_fetch_blocked_literal_address_refused(
    url: str, strict_fetcher: GuardedFetcher, resolver: FakeResolver
) -> None:
    with pytest.raises(BlockedAddress) as caught:
        await strict_fetcher.fetch(url)
    assert (
        caught.value.user_message == "The address points to a private network, which OnRecord never fetches."
    )
    assert resolver.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.com/feed.xml",
        "gopher://example.com/",
        "data:text/xml,<rss/>",
        "javascript:alert(1)",
        "feed://example.com/rss",
    ],
)
async def test_fetch_non_http_scheme_refused(url: str, strict_fetcher: GuardedFetcher) -> None:
    with pytest.raises(UnsupportedScheme) as caught:
        await strict_fetcher.fetch(url)
    assert "http:// and https://" in caught.value.user_message


@pytest.mark.parametrize(
    "url",
    ["http:///feed", "not a url", "news.example/feed", "http://exa mple.com/", "http://user:pw@news.test/"],
)
async def test_fetch_malformed_url_refused(url: str, strict_fetcher: GuardedFetcher) -> None:
    with pytest.raises(InvalidUrl):
        await strict_fetcher.fetch(url)


@pytest.mark.parametrize(
    ("name", "addresses"),
    [
        ("intranet.test", ["10.1.2.3"]),
        ("metadata.test", ["169.254.169.254"]),
        ("cgnat.test", ["100.64.10.20"]),
        ("ula.test", ["fd00::5"]),
        ("mapped.test", ["::ffff:192.168.1.1"]),
        ("rebind.test", ["93.184.216.34", "127.0.0.1"]),
    ],
)
async def test_fetch_name_resolving_to_private_address_refused(name: str, addresses: list[str]) -> None:
    resolver = FakeResolver({name: addresses})
    async with GuardedFetcher(timeout_s=10, resolver=resolver) as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(f"http://{name}/feed.xml")
    assert resolver.calls == [name]


async def test_fetch_unknown_name_fails_to_connect(strict_fetcher: GuardedFetcher) -> None:
    with pytest.raises(ConnectionFailed) as caught:
        await strict_fetcher.fetch("http://no-such-host.test/feed.xml")
    assert caught.value.user_message.startswith("OnRecord could not reach the site")


async def test_connector_peer_check_refuses_unlisted_loopback_peer(server: FeedServer) -> None:
    # An unguarded resolver that lies: only the socket-level peer check stands between us and loopback.
    connector = GuardedConnector(
        policy=AddressPolicy(), resolver=FakeResolver({"sneaky.test": ["127.0.0.1"]})
    )
    async with aiohttp.ClientSession(connector=connector) as session:
        with pytest.raises(BlockedAddress):
            await session.get(f"http://sneaky.test:{server.port}/feeds/{BBC}")
    assert server.requests == []


# --------------------------------------------------------------------------------------------- over HTTP


async def test_fetch_feed_returns_body_and_validators(server: FeedServer, fetcher: GuardedFetcher) -> None:
    result = await fetcher.fetch(server.url(f"feeds/{BBC}"))
    assert isinstance(result, FetchResult)
    assert result.status == 200
    assert result.body == (CORPUS_ROOT / BBC).read_bytes()
    assert result.final_url == server.url(f"feeds/{BBC}")
    assert result.etag is not None
    assert result.last_modified is not None
    assert all(name == name.lower() for name in result.headers)
    assert result.headers["content-type"].startswith("text/xml")
    assert result.elapsed_s > 0


async def test_fetch_sends_project_user_agent(server: FeedServer, fetcher: GuardedFetcher) -> None:
    await fetcher.fetch(server.url(f"feeds/{BBC}"))
    assert server.requests[0].headers["User-Agent"] == default_user_agent()
    assert "gzip" in server.requests[0].headers["Accept-Encoding"]


async def test_fetch_matching_etag_not_modified(server: FeedServer, fetcher: GuardedFetcher) -> None:
    first = await fetcher.fetch(server.url(f"feeds/{BBC}"))
    assert isinstance(first, FetchResult)
    again = await fetcher.fetch(server.url(f"feeds/{BBC}"), etag=first.etag)
    assert isinstance(again, NotModified)
    assert again.status == 304
    assert again.etag == first.etag
    assert server.requests[1].headers["If-None-Match"] == first.etag


async def test_fetch_matching_last_modified_not_modified(server: FeedServer, fetcher: GuardedFetcher) -> None:
    first = await fetcher.fetch(server.url(f"feeds/{BBC}"))
    assert isinstance(first, FetchResult)
    again = await fetcher.fetch(server.url(f"feeds/{BBC}"), last_modified=first.last_modified)
    assert isinstance(again, NotModified)
    assert server.requests[1].headers["If-Modified-Since"] == first.last_modified


async def test_fetch_stale_etag_returns_full_body(server: FeedServer, fetcher: GuardedFetcher) -> None:
    result = await fetcher.fetch(server.url(f"feeds/{BBC}"), etag='"stale-0"')
    assert isinstance(result, FetchResult)
    assert result.body == (CORPUS_ROOT / BBC).read_bytes()


async def test_fetch_server_ignoring_validators_returns_full_body(
    server: FeedServer, fetcher: GuardedFetcher
) -> None:
    result = await fetcher.fetch(server.url(f"ignore-validators/{BBC}"), etag='"fixed"')
    assert isinstance(result, FetchResult)
    assert result.etag == '"fixed"'


async def test_fetch_five_redirects_followed(server: FeedServer, fetcher: GuardedFetcher) -> None:
    result = await fetcher.fetch(server.url(f"redirect/5/{BBC}"))
    assert isinstance(result, FetchResult)
    assert result.redirects == 5
    assert result.final_url == server.url(f"feeds/{BBC}")
    assert len(server.requests) == 6


async def test_fetch_six_redirects_refused(server: FeedServer, fetcher: GuardedFetcher) -> None:
    with pytest.raises(TooManyRedirects) as caught:
        await fetcher.fetch(server.url(f"redirect/6/{BBC}"))
    assert "more than 5 times" in caught.value.user_message
    assert len(server.requests) == 6


async def test_fetch_redirect_to_unlisted_loopback_host_refused(server: FeedServer) -> None:
    # Only the name feeds.test is allowed; the redirect names 127.0.0.1 directly, which is not.
    resolver = FakeResolver({"feeds.test": ["127.0.0.1"]})
    async with GuardedFetcher(
        allow_hosts=frozenset({"feeds.test"}), resolver=resolver, timeout_s=10
    ) as fetcher:
        start = server.url("redirect-to", host="feeds.test")
        ok = await fetcher.fetch(server.url(f"feeds/{BBC}", host="feeds.test"))
        assert isinstance(ok, FetchResult)
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(f"{start}?url={server.url(f'feeds/{BBC}')}")
    assert len(server.requests) == 2


async def test_fetch_redirect_to_other_loopback_address_refused(
    server: FeedServer, fetcher: GuardedFetcher
) -> None:
    target = f"http://127.0.0.2:{server.port}/feeds/{BBC}"
    with pytest.raises(BlockedAddress):
        await fetcher.fetch(server.url(f"redirect-to?url={target}"))
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://localhost/", "http://2130706434/"],
)
async def test_fetch_redirect_to_private_address_refused(
    target: str, server: FeedServer, fetcher: GuardedFetcher
) -> None:
    with pytest.raises(BlockedAddress):
        await fetcher.fetch(server.url(f"redirect-to?url={target}"))


@pytest.mark.parametrize("target", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.com/f"])
async def test_fetch_redirect_to_other_scheme_refused(
    target: str, server: FeedServer, fetcher: GuardedFetcher
) -> None:
    with pytest.raises(UnsupportedScheme):
        await fetcher.fetch(server.url(f"redirect-to?url={target}"))


async def test_fetch_redirect_to_name_resolving_private_refused(server: FeedServer) -> None:
    resolver = FakeResolver({"feeds.test": ["127.0.0.1"], "internal.test": ["192.168.10.10"]})
    async with GuardedFetcher(
        allow_hosts=frozenset({"feeds.test"}), resolver=resolver, timeout_s=10
    ) as fetcher:
        start = server.url("redirect-to", host="feeds.test")
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(f"{start}?url=http://internal.test/feed.xml")
    assert resolver.calls == ["feeds.test", "internal.test"]


async def test_fetch_declared_six_megabytes_refused(server: FeedServer, fetcher: GuardedFetcher) -> None:
    with pytest.raises(ResponseTooLarge) as caught:
        await fetcher.fetch(server.url(f"big/{SIX_MB}"))
    assert "5 MB" in caught.value.user_message


async def test_fetch_chunked_six_megabytes_aborted(server: FeedServer, fetcher: GuardedFetcher) -> None:
    with pytest.raises(ResponseTooLarge):
        await fetcher.fetch(server.url(f"chunked/{SIX_MB}"))


async def test_fetch_just_under_cap_accepted(server: FeedServer, fetcher: GuardedFetcher) -> None:
    result = await fetcher.fetch(server.url(f"chunked/{5 * 1024 * 1024}"))
    assert isinstance(result, FetchResult)
    assert len(result.body) == 5 * 1024 * 1024


async def test_fetch_gzip_bomb_aborted_on_decoded_size(server: FeedServer, fetcher: GuardedFetcher) -> None:
    with pytest.raises(ResponseTooLarge):
        await fetcher.fetch(server.url(f"gzip-bomb/{SIX_MB}"))


async def test_fetch_endless_body_without_length_aborted_at_cap() -> None:
    # A close-delimited body that never ends: only an abort while streaming can finish this fetch.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: close\r\n\r\n"
    async with (
        RawServer(head, body_bytes=10**12) as raw,
        GuardedFetcher(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=30) as fetcher,
    ):
        with pytest.raises(ResponseTooLarge):
            await fetcher.fetch(raw.url("/feed.xml"))


async def test_fetch_lying_small_content_length_never_returns_more_than_declared() -> None:
    # The bytes past the declared length are garbage to the HTTP parser: aiohttp either returns the declared
    # 1024 bytes or reports a broken connection, depending on when it notices. Both are acceptable; more
    # bytes, or any other exception type, are not.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 1024\r\n\r\n"
    async with (
        RawServer(head, body_bytes=SIX_MB) as raw,
        GuardedFetcher(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=10) as fetcher,
    ):
        outcome: FetchResult | NotModified | FetchError
        try:
            outcome = await fetcher.fetch(raw.url("/feed.xml"))
        except FetchError as exc:
            outcome = exc
    if isinstance(outcome, FetchError):
        assert isinstance(outcome, ConnectionFailed)
        assert len(str(outcome)) <= 500
    else:
        assert isinstance(outcome, FetchResult)
        assert len(outcome.body) == 1024


async def test_fetch_lying_small_content_length_with_gzip_bomb_aborted(server: FeedServer) -> None:
    async with GuardedFetcher(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=10, max_bytes=1024 * 1024) as f:
        with pytest.raises(ResponseTooLarge) as caught:
            await f.fetch(server.url(f"gzip-bomb/{2 * 1024 * 1024}"))
    assert "1 MB" in caught.value.user_message


async def test_fetch_stalled_server_times_out(server: FeedServer) -> None:
    async with GuardedFetcher(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=0.3) as fetcher:
        with pytest.raises(FetchTimeout) as caught:
            await fetcher.fetch(server.url("stall"))
    assert caught.value.user_message == "The site took too long to answer. Try again later."


async def test_fetch_stalled_body_times_out(server: FeedServer) -> None:
    async with GuardedFetcher(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=0.3) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.fetch(server.url("stall-body"))


async def test_fetch_gzip_body_decoded(server: FeedServer, fetcher: GuardedFetcher) -> None:
    result = await fetcher.fetch(server.url(f"gzip/{BBC}"))
    assert isinstance(result, FetchResult)
    assert result.headers["content-encoding"] == "gzip"
    assert result.body == (CORPUS_ROOT / BBC).read_bytes()


@pytest.mark.parametrize("status", [404, 410, 500, 503])
async def test_fetch_error_status_raises_with_code(
    status: int, server: FeedServer, fetcher: GuardedFetcher
) -> None:
    with pytest.raises(HttpStatusError) as caught:
        await fetcher.fetch(server.url(f"status/{status}"))
    assert caught.value.status == status
    assert str(status) in caught.value.user_message


async def test_fetch_closed_port_fails_to_connect(fetcher: GuardedFetcher) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectionFailed):
        await fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")


async def test_fetch_allow_listed_name_reaches_loopback(server: FeedServer, fetcher: GuardedFetcher) -> None:
    result = await fetcher.fetch(server.url(f"feeds/{BBC}", host="feeds.test"))
    assert isinstance(result, FetchResult)


async def test_fetch_then_parse_gives_headlines(server: FeedServer, fetcher: GuardedFetcher) -> None:
    result = await fetcher.fetch(server.url(f"feeds/{BBC}"))
    assert isinstance(result, FetchResult)
    feed = parse_feed(
        result.body, headers=result.headers, url=result.final_url, now=datetime(2026, 3, 1, tzinfo=UTC)
    )
    assert feed.problem is None
    assert len(feed.headlines) > 10
    assert all(h.link and h.link.startswith("https://") for h in feed.headlines)


def test_fetch_errors_share_one_base_with_user_message() -> None:
    for error in (BlockedAddress("x"), TooManyRedirects("x"), ResponseTooLarge("x"), HttpStatusError(404)):
        assert isinstance(error, FetchError)
        assert error.user_message.endswith(".")
        assert "Traceback" not in error.user_message
