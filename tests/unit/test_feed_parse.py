"""parse_feed: text cleaning, links, dates, JSON Feed, and one test per edge case in the corpus FINDINGS.md."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.feed_parse import (
    PROBLEM_EMPTY_FEED,
    PROBLEM_EMPTY_RESPONSE,
    PROBLEM_HTML_PAGE,
    PROBLEM_MALFORMED_JSON,
    PROBLEM_MALFORMED_XML,
    PROBLEM_NO_USABLE_ENTRIES,
    PROBLEM_UNSUPPORTED,
    PROBLEM_UNSUPPORTED_JSON,
    SKIP_DUPLICATE_KEY,
    SKIP_NO_TITLE_OR_LINK,
    SUMMARY_MAX_CHARS,
    TITLE_MAX_CHARS,
    ParsedFeed,
    clean_link,
    clean_text,
    entry_key,
    parse_feed,
    parse_feed_async,
)
from tests.unit.feedserver import CORPUS_ROOT

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example/feeds/world.xml"
LEFTOVER_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
TAG = re.compile(r"<[a-z!/][^>]*>", re.IGNORECASE)


def corpus(relative: str, *, content_type: str = "text/xml", url: str | None = None) -> ParsedFeed:
    """Parse a corpus file through the bot's bytes → headlines path, as served with ``content_type``."""
    body = (CORPUS_ROOT / relative).read_bytes()
    return parse_feed(body, headers={"Content-Type": content_type}, url=url or FEED_URL, now=NOW)


def rss(items: str, *, channel_title: str = "Example News") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{channel_title}</title>'
        f"<link>https://news.example/</link>{items}</channel></rss>"
    ).encode()


def parse_rss(items: str, **kwargs: str) -> ParsedFeed:
    return parse_feed(
        rss(items, **kwargs), headers={"content-type": "application/rss+xml"}, url=FEED_URL, now=NOW
    )


def one_title(raw_title: str) -> str:
    feed = parse_rss(f"<item><title>{raw_title}</title><link>https://news.example/a</link></item>")
    return feed.headlines[0].title


# ----------------------------------------------------------------------------------------- text cleaning


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fish &amp;amp; chips", "Fish & chips"),  # RSS HTML title: entities decoded once
        ("Fish &amp;amp;lt; chips", "Fish &lt; chips"),  # &amp;lt; is decoded once, never twice
        ("It&amp;#8217;s done", "It’s done"),  # double-escaped numeric entity (FINDINGS 4)
        ("A &lt;b&gt;bold&lt;/b&gt; move", "A bold move"),
        ("<![CDATA[Prices <em>rise</em> again]]>", "Prices rise again"),
        ("  Lots \n\n of\t space  ", "Lots of space"),
        ("Zero\u200bwidth\u00adsoft\u200e\u202ebidi\ufeff", "Zerowidthsoftbidi"),
        ("a &lt; b", "a < b"),
    ],
)
def test_parse_feed_title_cleaned(raw: str, expected: str) -> None:
    assert one_title(raw) == expected


def test_clean_text_unescapes_exactly_once() -> None:
    assert clean_text("&amp;lt;script&amp;gt;", max_chars=100) == "&lt;script&gt;"


def test_clean_text_drops_script_style_and_comments() -> None:
    html = "<p>Hello<script>alert(1)</script><style>p{}</style><!-- <b>hidden</b> --> world</p>"
    assert clean_text(html, max_chars=100) == "Hello world"


def test_clean_text_strips_control_characters() -> None:
    assert clean_text("bell\x07 and\x00 null\x1b", max_chars=100) == "bell and null"


def test_clean_text_long_title_capped_with_ellipsis() -> None:
    text = clean_text("word " * 200, max_chars=TITLE_MAX_CHARS)
    assert len(text) <= TITLE_MAX_CHARS
    assert text.endswith("…")


def test_clean_text_huge_html_is_cut_before_parsing() -> None:
    text = clean_text("<p>" + "x " * 200_000 + "</p><a href='", max_chars=SUMMARY_MAX_CHARS)
    assert len(text) <= SUMMARY_MAX_CHARS
    assert "<" not in text


def test_parse_feed_summary_cleaned_and_capped() -> None:
    body = "&lt;p&gt;" + "Long text. " * 100 + "&lt;/p&gt;"
    feed = parse_rss(
        f"<item><title>T</title><link>https://news.example/a</link><description>{body}</description></item>"
    )
    summary = feed.headlines[0].summary
    assert len(summary) <= SUMMARY_MAX_CHARS
    assert "<" not in summary


def test_parse_feed_outlet_is_cleaned_feed_title() -> None:
    feed = parse_rss(
        "<item><title>T</title><link>https://news.example/a</link></item>",
        channel_title=" Daily &amp;amp; Co ",
    )
    assert feed.title == "Daily & Co"
    assert feed.headlines[0].outlet == "Daily & Co"


def test_parse_feed_untitled_feed_outlet_falls_back_to_host() -> None:
    feed = parse_rss("<item><title>T</title><link>https://news.example/a</link></item>", channel_title="")
    assert feed.headlines[0].outlet == "news.example"


# ------------------------------------------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://news.example/a", "https://news.example/a"),
        ("/story/1", "https://news.example/story/1"),
        ("story/2", "https://news.example/feeds/story/2"),
        ("//cdn.example/x", "https://cdn.example/x"),
        ("HTTP://News.Example/A", "http://News.Example/A"),
        ("coghlan.me/post/", "https://coghlan.me/post/"),
        ("javascript:alert(1)", None),
        ("mailto:desk@news.example", None),
        ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", None),
        ("tag:news.example,2024:1", None),
        ("ftp://news.example/file", None),
        ("data:text/html,hi", None),
        ("https://[broken/x", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_link_only_absolute_http(link: str | None, expected: str | None) -> None:
    assert clean_link(link, base_url=FEED_URL) == expected


def test_entry_key_prefers_id_then_link_then_hash() -> None:
    when = datetime(2026, 1, 2, tzinfo=UTC)
    assert entry_key(entry_id=" id-1 ", link="https://a/", title="T", published=when) == "id-1"
    assert entry_key(entry_id="", link="https://a/", title="T", published=when) == "https://a/"
    digest = hashlib.sha256(f"T\n{when.isoformat()}".encode()).hexdigest()
    assert entry_key(entry_id=None, link=None, title="T", published=when) == f"sha256:{digest}"


def test_parse_feed_entry_without_title_or_link_skipped() -> None:
    feed = parse_rss("<item><description>Only text</description></item><item><title>Kept</title></item>")
    assert [h.title for h in feed.headlines] == ["Kept"]
    assert feed.headlines[0].link is None
    assert feed.headlines[0].entry_key.startswith("sha256:")
    assert [s.reason for s in feed.skipped] == [SKIP_NO_TITLE_OR_LINK]


def test_parse_feed_all_entries_unusable_records_reason() -> None:
    feed = parse_rss("<item><description>Only text</description></item>")
    assert feed.headlines == ()
    assert feed.problem == PROBLEM_NO_USABLE_ENTRIES


# ------------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        ("Tue, 17 Feb 2026 08:53:24 +0100", datetime(2026, 2, 17, 7, 53, 24, tzinfo=UTC)),
        ("Mon, 01 Jan 0001 00:00:00 +0000", None),  # Go/Hugo zero date
        ("Sat, 01 Jan 1972 00:00:00 GMT", None),  # before the 1990 floor
        ("Mon, 02 Mar 2026 13:00:00 GMT", None),  # more than a day in the future
        (
            "Mon, 02 Mar 2026 11:00:00 GMT",
            datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
        ),  # within a day: clock skew
        ("mer, 16 nov 2022 10:00:00 +0100", None),  # Italian day name does not parse
        ("yesterday", None),
    ],
)
def test_parse_feed_published_is_plausible_aware_utc_or_none(
    pub_date: str, expected: datetime | None
) -> None:
    feed = parse_rss(
        f"<item><title>T</title><link>https://n.example/a</link><pubDate>{pub_date}</pubDate></item>"
    )
    assert feed.headlines[0].published == expected


def test_parse_feed_bogus_published_falls_back_to_updated() -> None:
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>T</title>'
        b'<link href="https://n.example/a"/><published>0001-01-01T00:00:00Z</published>'
        b"<updated>2026-02-01T10:00:00Z</updated></entry></feed>"
    )
    feed = parse_feed(atom, headers={}, url=FEED_URL, now=NOW)
    assert feed.headlines[0].published == datetime(2026, 2, 1, 10, tzinfo=UTC)


# --------------------------------------------------------------------------------------------- JSON Feed


def json_feed(version: str = "https://jsonfeed.org/version/1.1", items: str = "") -> bytes:
    return f'{{"version": "{version}", "title": "JSON News", "items": [{items}]}}'.encode()


def test_parse_feed_json_feed_items_become_headlines() -> None:
    item = (
        '{"id": 7, "url": "/posts/7", "title": "Budget &amp; tax", "content_html": "<p>Body</p>",'
        ' "date_published": "2026-02-10T09:30:00+01:00"}'
    )
    feed = parse_feed(
        json_feed(items=item), headers={"content-type": "application/feed+json"}, url=FEED_URL, now=NOW
    )
    assert feed.format == "json"
    (headline,) = feed.headlines
    assert headline.entry_key == "7"
    assert headline.title == "Budget & tax"
    assert headline.link == "https://news.example/posts/7"
    assert headline.summary == "Body"
    assert headline.published == datetime(2026, 2, 10, 8, 30, tzinfo=UTC)
    assert headline.outlet == "JSON News"


def test_parse_feed_json_feed_version_1_accepted() -> None:
    item = '{"id": "a", "url": "https://n.example/a", "title": "One"}'
    feed = parse_feed(json_feed("https://jsonfeed.org/version/1", item), headers={}, url=FEED_URL, now=NOW)
    assert [h.title for h in feed.headlines] == ["One"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', PROBLEM_MALFORMED_JSON),
        (b'{"data": [1, 2, 3]}', PROBLEM_UNSUPPORTED_JSON),
        (b'{"version": "https://example.com/other", "items": []}', PROBLEM_UNSUPPORTED_JSON),
        (b"[1, 2]", PROBLEM_UNSUPPORTED_JSON),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}', PROBLEM_EMPTY_FEED),
    ],
)
def test_parse_feed_bad_json_records_reason(body: bytes, problem: str) -> None:
    assert parse_feed(body, headers={}, url=FEED_URL, now=NOW).problem == problem


# --------------------------------------------------------------------------------------- whole documents


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b"", "application/xml", PROBLEM_EMPTY_RESPONSE),
        (b" \r\n\t", "application/xml", PROBLEM_EMPTY_RESPONSE),
        (
            b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>",
            "text/html",
            PROBLEM_HTML_PAGE,
        ),
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
            "",
            PROBLEM_EMPTY_FEED,
        ),
        (b'<rss version="2.0"><channel><title>a & b</title></channel>', "text/xml", PROBLEM_MALFORMED_XML),
        (b"\x00\x01\x02 binary junk \xff\xfe", "application/octet-stream", PROBLEM_MALFORMED_XML),
        (b"<note><to>Tove</to></note>", "application/xml", PROBLEM_UNSUPPORTED),
        (b"just some words", "text/plain", PROBLEM_MALFORMED_XML),
    ],
)
def test_parse_feed_no_headlines_records_reason(body: bytes, content_type: str, problem: str) -> None:
    feed = parse_feed(body, headers={"content-type": content_type}, url=FEED_URL, now=NOW)
    assert feed.headlines == ()
    assert feed.problem == problem


def test_parse_feed_body_naming_a_local_file_is_not_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss("<item><title>SECRET</title><link>https://n.example/s</link></item>"))
    feed = parse_feed(str(secret).encode(), headers={}, url=FEED_URL, now=NOW)
    assert feed.headlines == ()


def test_parse_feed_body_naming_a_url_is_not_fetched() -> None:
    feed = parse_feed(b"http://169.254.169.254/latest/meta-data/", headers={}, url=FEED_URL, now=NOW)
    assert feed.headlines == ()
    assert feed.problem is not None


async def test_parse_feed_async_matches_sync() -> None:
    body = (CORPUS_ROOT / "realistic/news/bbc-news-world__1796df62.xml").read_bytes()
    expected = parse_feed(body, headers={}, url=FEED_URL, now=NOW)
    assert await parse_feed_async(body, headers={}, url=FEED_URL, now=NOW) == expected


# ------------------------------------------------------------------------------ FINDINGS.md, one by one


@pytest.mark.parametrize(
    ("relative", "count"),
    [
        ("realistic/misc/fastfeedparser-postgis.xml", 10),
        ("realistic/misc/fastfeedparser-osm-pl.xml", 8),
        ("realistic/misc/oscard0m-blog__705749c3.xml", 15),
    ],
)
def test_finding_01_bozo_feed_with_entries_is_usable(relative: str, count: int) -> None:
    feed = corpus(relative)
    assert feed.warning == "SAXParseException"
    assert feed.problem is None
    assert len(feed.headlines) == count


@pytest.mark.parametrize(
    "relative",
    [
        "illformed/real-world/dylanharris-arts-and-ego__7ef13a42.xml",
        "illformed/rss_empty_document.xml",
    ],
)
def test_finding_02_broken_feed_reported_as_malformed(relative: str) -> None:
    feed = corpus(relative)
    assert feed.headlines == ()
    assert feed.problem == PROBLEM_MALFORMED_XML


def test_finding_02_incomplete_cdata_reported_without_crash() -> None:
    feed = corpus("illformed/rss_incomplete_cdata.xml")
    assert feed.headlines == ()
    assert feed.problem == PROBLEM_NO_USABLE_ENTRIES


def test_finding_03_html_entities_without_dtd_still_parse() -> None:
    feed = corpus("snippets/feed-rs/rss2/rss_2.0_dbengines.xml")
    assert feed.warning == "SAXParseException"
    assert len(feed.headlines) == 1
    assert not LEFTOVER_ENTITY.search(feed.headlines[0].title + feed.headlines[0].summary)


@pytest.mark.parametrize("name", ["nbsp", "eacute", "mdash", "hellip"])
def test_finding_03_entity_feeds_give_a_reason_not_a_crash(name: str) -> None:
    feed = corpus(f"entities/{name}.xml")
    assert feed.headlines or feed.problem


@pytest.mark.parametrize(
    "relative",
    ["realistic/misc/old-house-dreams__e2a6e6f0.xml", "realistic/misc/loud-and-quiet__07403555.xml"],
)
def test_finding_04_double_escaped_entities_decoded_for_display(relative: str) -> None:
    feed = corpus(relative)
    assert feed.headlines
    for headline in feed.headlines:
        assert not LEFTOVER_ENTITY.search(headline.title), headline.title


def test_finding_05_html_in_title_converted_to_text() -> None:
    titles = [h.title for h in corpus("realistic/news/rsparser-livemint.xml").headlines]
    assert "SmartCity Kochi to raise ₹4,000 crore from investors" in titles


def test_finding_05_sanitizer_leftover_comments_removed() -> None:
    (headline,) = corpus("wellformed/sanitize/entry_title_crazy.xml").headlines
    assert headline.title.startswith("Crazy HTML -- Can Your Regex Parse This?")
    assert "<" not in headline.title
    assert "\n" not in headline.title


@pytest.mark.parametrize("number", ["01", "17", "33", "54"])
def test_finding_05_amp_titles_have_no_tags(number: str) -> None:
    for headline in corpus(f"wellformed/amp/amp{number}.xml").headlines:
        assert not TAG.search(headline.title)


def test_finding_06_untitled_entries_use_start_of_text() -> None:
    feed = corpus("realistic/misc/rsparser-scriptingNews.rss")
    assert len(feed.headlines) == 48
    assert all(h.title for h in feed.headlines)
    assert "Good morning students and teachers! 🍏" in [h.title for h in feed.headlines]
    assert all(len(h.title) <= 120 for h in feed.headlines)


@pytest.mark.parametrize(
    ("relative", "count"),
    [("realistic/misc/rsparser-manton.rss", 10), ("realistic/misc/stml__6ca5c416.xml", 20)],
)
def test_finding_06_microblog_entries_kept(relative: str, count: int) -> None:
    feed = corpus(relative)
    assert len(feed.headlines) == count
    assert all(h.title for h in feed.headlines)


@pytest.mark.parametrize(
    "relative",
    [
        "realistic/news/rsparser-macworld.rss",
        "realistic/news/rsparser-aktuality.rss",
        "realistic/news/boston-com-world__d2a188f2.xml",
    ],
)
def test_finding_07_missing_guids_fall_back_to_unique_keys(relative: str) -> None:
    feed = corpus(relative)
    keys = [h.entry_key for h in feed.headlines]
    assert len(keys) == len(set(keys))
    assert all(k.strip() for k in keys)
    assert not feed.skipped


def test_finding_07_missing_guid_key_is_the_link() -> None:
    for headline in corpus("realistic/news/rsparser-macworld.rss").headlines:
        assert headline.entry_key == headline.link


def test_finding_08_duplicate_guids_give_no_duplicate_headlines() -> None:
    feed = corpus("realistic/news/al-monitor__72fea1eb.xml")
    assert len(feed.headlines) == 11
    assert len(feed.skipped) == 9
    assert {s.reason for s in feed.skipped} == {SKIP_DUPLICATE_KEY}


def test_finding_08_dedupe_keys_are_stable_across_parses() -> None:
    first = corpus("realistic/misc/rsparser-scriptingNews.rss")
    second = corpus("realistic/misc/rsparser-scriptingNews.rss")
    assert [h.entry_key for h in first.headlines] == [h.entry_key for h in second.headlines]


def test_finding_08_non_permalink_guid_is_still_a_key() -> None:
    feed = corpus("realistic/news/rsparser-livemint.xml", url="https://www.livemint.com/rss/news")
    assert all(h.link and h.link.startswith("https://www.livemint.com/") for h in feed.headlines)
    assert len({h.entry_key for h in feed.headlines}) == len(feed.headlines)


def test_finding_08_repeated_links_with_distinct_ids_are_kept() -> None:
    feed = corpus("realistic/misc/rsparser-DaringFireball.atom")
    assert len(feed.headlines) == 48


@pytest.mark.parametrize(
    ("relative", "site", "prefix"),
    [
        (
            "realistic/misc/canadian-entrepreneur-and-software-devel__4059f23d.xml",
            "https://blog.example/feed.xml",
            "https://blog.example/",
        ),
        (
            "realistic/misc/the-blog-of-csaba-kopias-on-kopias-csaba__137dd53e.xml",
            "https://kopias.example/index.xml",
            "https://kopias.example/blog/",
        ),
    ],
)
def test_finding_09_relative_links_resolved_against_feed_url(relative: str, site: str, prefix: str) -> None:
    feed = corpus(relative, url=site)
    assert feed.headlines
    assert all(h.link and h.link.startswith(prefix) for h in feed.headlines)


def test_finding_09_scheme_less_links_not_doubled() -> None:
    feed = corpus("realistic/misc/john-coghlan__bd04b856.xml", url="https://coghlan.me/index.xml")
    assert feed.headlines
    for headline in feed.headlines:
        assert headline.link is not None
        assert headline.link.startswith("https://coghlan.me/")
        assert "coghlan.me/coghlan.me" not in headline.link


def test_finding_09_atom_relative_link_resolved() -> None:
    (headline,) = corpus("snippets/feed-rs/atom/atom_relative.xml").headlines
    assert headline.link is not None
    assert headline.link.startswith("https://")


def test_finding_09_link_text_that_is_not_a_url_still_gives_http_link() -> None:
    feed = corpus("snippets/feed-rs/rss1/rss_1.0_example_1.xml")
    assert feed.headlines
    assert all(h.link is None or h.link.startswith("https://news.example/") for h in feed.headlines)


@pytest.mark.parametrize(
    "relative", ["snippets/feed-rs/atom/atom_entry_1.xml", "snippets/feed-rs/atom/atom_example_7.xml"]
)
def test_finding_10_non_http_links_dropped_but_id_kept(relative: str) -> None:
    feed = corpus(relative)
    assert feed.headlines
    assert all(h.link is None for h in feed.headlines)
    assert all(h.entry_key.startswith(("urn:", "tag:")) for h in feed.headlines)


@pytest.mark.parametrize(
    ("relative", "missing"),
    [
        ("realistic/misc/frisk__1c17c9c3.xml", 19),
        ("realistic/misc/kittenlabs__3ac54306.xml", 1),
        ("snippets/feed-rs/rss2/rss_2.0_ilmessaggero.xml", 1),  # Italian date names
        ("snippets/feed-rs/rss0/rss_0.91_spec_1.xml", 2),  # RSS 0.91: no dates at all
    ],
)
def test_finding_11_bogus_or_missing_dates_become_none(relative: str, missing: int) -> None:
    feed = corpus(relative)
    assert sum(h.published is None for h in feed.headlines) == missing
    for headline in feed.headlines:
        assert headline.published is None or headline.published.tzinfo is UTC
        assert headline.published is None or headline.published.year >= 1990


@pytest.mark.parametrize(
    "relative",
    [
        "dates/rss/item_pubDate.xml",
        "dates/rss/item_dc_date.xml",
        "dates/rss/item_dcterms_issued.xml",
        "dates/rss/item_dcterms_modified.xml",
        "dates/atom/entry_issued.xml",
        "dates/atom/entry_modified.xml",
        "dates/atom/entry_updated_parsed.xml",
        "dates/atom/entry_published_parsed.xml",
    ],
)
def test_finding_11_date_element_variants_give_aware_utc(relative: str) -> None:
    # These unit files hold only a date; give the entry a title so it is a usable headline.
    body = (CORPUS_ROOT / relative).read_bytes()
    body = body.replace(b"<item>", b"<item><title>T</title>", 1).replace(
        b"<entry>", b"<entry><title>T</title>", 1
    )
    feed = parse_feed(body, headers={"content-type": "text/xml"}, url=FEED_URL, now=NOW)
    (headline,) = feed.headlines
    assert headline.published is not None
    assert headline.published.tzinfo is UTC
    assert 2000 <= headline.published.year <= 2010


def test_finding_11_future_date_treated_as_missing() -> None:
    future = (NOW + timedelta(days=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    feed = parse_rss(
        f"<item><title>T</title><link>https://n.example/a</link><pubDate>{future}</pubDate></item>"
    )
    assert feed.headlines[0].published is None


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("realistic/misc/rsparser-kc0011.rss", "建国35周年纪念，华表，和平鸽"),  # GB2312
        ("snippets/feed-rs/rss0/rss_0.91_encoding_1.xml", "bash - Expansão de Parâmetros"),  # ISO-8859-1
        ("snippets/feed-rs/rss1/rss_1.0_iso8859.xml", "Digitalministerium: Neue Glasfaserförderung"),
        (
            "encoding/real-world/fastfeedparser-utf16_encoded.xml",
            "UTF-16 Entry 1",
        ),  # declares UTF-16, is ASCII
        ("illformed/chardet/koi8r.xml", "Как пережить новогоднюю ночь"),  # needs chardet
        ("illformed/chardet/shiftjis.xml", "DrecomRSSに記事投稿が反映されない"),
    ],
)
def test_finding_12_encodings_decoded(relative: str, expected: str) -> None:
    titles = [h.title for h in corpus(relative).headlines]
    assert any(title.startswith(expected) for title in titles), titles[:3]


@pytest.mark.parametrize(
    "relative", ["encoding/utf-16le-bom.xml", "encoding/utf-32be.xml", "encoding/utf-16be-autodetect.xml"]
)
def test_finding_12_utf16_and_utf32_served_as_text_xml_decode(relative: str) -> None:
    # text/xml without a charset means US-ASCII by the letter of RFC 3023; the BOM and declaration must win.
    feed = corpus(relative, content_type="text/xml")
    assert feed.problem != PROBLEM_MALFORMED_XML
    assert feed.warning is None


@pytest.mark.parametrize(
    "relative", ["realistic/misc/rsparser-phpxml.rss", "realistic/news/elpais-english__660a52f7.xml"]
)
def test_finding_12_invisible_characters_stripped(relative: str) -> None:
    invisible = re.compile("[\ufeff\u200b\u200c\u200d\u200e\u200f\u00ad\u202a-\u202e\u2066-\u2069]")
    feed = corpus(relative)
    assert feed.headlines
    for headline in feed.headlines:
        assert not invisible.search(headline.title + headline.summary + headline.outlet)


@pytest.mark.parametrize(
    "relative",
    [
        "realistic/news/kottke__e44e7aea.xml",
        "realistic/misc/the-crete-fleet__c4eb37ec.xml",
        "realistic/misc/techtinkering-retro-computers-programmin__c5ab9fd6.xml",
    ],
)
def test_finding_13_whitespace_in_titles_collapsed(relative: str) -> None:
    feed = corpus(relative)
    assert feed.headlines
    for headline in feed.headlines:
        assert "  " not in headline.title
        assert "\n" not in headline.title
        assert headline.title == headline.title.strip()


def test_finding_14_large_feed_parses_fully() -> None:
    assert len(corpus("realistic/large/time-world__9f9555d6.xml").headlines) == 100


def test_finding_14_very_long_entry_summary_capped() -> None:
    feed = corpus("realistic/large/rsparser-dcrainmaker.xml")
    assert feed.headlines
    assert all(len(h.summary) <= SUMMARY_MAX_CHARS for h in feed.headlines)


def test_finding_14_three_hundred_items_kept() -> None:
    assert len(corpus("realistic/news/economist-asia__960551ec.xml").headlines) == 300


def test_finding_15_image_inside_item_does_not_break_titles() -> None:
    feed = corpus("realistic/news/rsparser-aktuality.rss")
    assert len(feed.headlines) == 30
    assert all(h.title for h in feed.headlines)


def test_finding_15_text_input_title_does_not_replace_feed_title() -> None:
    assert corpus("realistic/misc/rsparser-rubenerd.rss").title == "Rubenerd"


def test_finding_15_empty_content_encoded_falls_back_to_summary() -> None:
    feed = corpus("realistic/large/rsparser-atp.rss")
    assert len(feed.headlines) == 100
    assert all(h.summary for h in feed.headlines)


def test_finding_15_atom_authors_nested_in_rss_parse() -> None:
    feed = corpus("realistic/large/rsparser-cloudblog.rss")
    assert len(feed.headlines) == 20
    assert feed.title == "Cloud Blog"


def test_finding_16_markdown_and_mentions_kept_verbatim_for_the_renderer() -> None:
    # Escaping markdown and disabling mentions is the Discord layer's job; parsing must not mangle the text.
    feed = parse_rss(
        "<item><title>#2 on Hacker News: C# tips @everyone *wow*</title><link>https://n.example/a</link></item>"
    )
    assert feed.headlines[0].title == "#2 on Hacker News: C# tips @everyone *wow*"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/rss+xml",
        "application/xml",
        "text/xml",
        "text/xml; charset=utf-8",
        "text/plain",
        "text/html",
        "application/octet-stream",
        "",
    ],
)
def test_finding_17_any_content_type_gives_same_headlines(content_type: str) -> None:
    baseline = corpus("realistic/news/bbc-news-world__1796df62.xml", content_type="application/rss+xml")
    feed = corpus("realistic/news/bbc-news-world__1796df62.xml", content_type=content_type)
    assert len(feed.headlines) == 33
    assert feed.headlines == baseline.headlines


@pytest.mark.parametrize(
    "relative",
    [
        "json/example.json",
        "json/rsparser-DaringFireball.json",
        "json/rsparser-inessential.json",
        "snippets/feed-rs/jsonfeed/jsonfeed_elastic_1.1.json",
        "snippets/feed-rs/jsonfeed/jsonfeed_spec_1.json",
    ],
)
@pytest.mark.parametrize("content_type", ["application/feed+json", "application/json", "text/plain"])
def test_finding_17_json_feed_parsed(relative: str, content_type: str) -> None:
    feed = corpus(relative, content_type=content_type)
    assert feed.format == "json"
    assert feed.headlines
    assert feed.problem is None


def test_finding_17_truncated_json_feed_reported() -> None:
    assert corpus("json/rsparser-allthis-partial.json").problem == PROBLEM_MALFORMED_JSON
