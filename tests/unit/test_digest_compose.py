"""Pure digest logic: time parsing, DST slots, story ranking, composition and rendering within Discord limits."""

from __future__ import annotations

import random
import string
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.errors import ValidationError
from bot.services.digests import (
    DigestHeadline,
    DigestInput,
    DigestStatement,
    RelatedStatement,
    Subscription,
    compose,
    digest_title,
    is_slot_due,
    next_post_at,
    parse_post_time,
    parse_sections,
    slot_instant,
    top_stories,
)
from bot.ui import digests as render

NOW = datetime(2024, 7, 12, 15, 0, tzinfo=UTC)


def _h(i: int, title: str, outlet: str, minutes_ago: int, link: str | None = None) -> DigestHeadline:
    return DigestHeadline(
        i, title, link or f"https://example.com/{i}", outlet, NOW - timedelta(minutes=minutes_ago)
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("08:00", time(8, 0)),
        ("8:05", time(8, 5)),
        ("20h30", time(20, 30)),
        ("7am", time(7, 0)),
        ("7:30 pm", time(19, 30)),
        ("12am", time(0, 0)),
        ("23:59", time(23, 59)),
        ("18", time(18, 0)),
        ("0830", time(8, 30)),
    ],
)
def test_parse_post_time_accepts_common_forms(raw: str, expected: time) -> None:
    assert parse_post_time(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "8:60", "noon", "", "13pm", "123", "2460"])
def test_parse_post_time_invalid_raises(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_post_time(raw)


def test_parse_sections_default_and_order() -> None:
    assert parse_sections(None) == ("headlines", "statements", "related")
    assert parse_sections("related, headlines") == ("headlines", "related")


def test_parse_sections_unknown_raises() -> None:
    with pytest.raises(ValidationError, match="weather"):
        parse_sections("headlines weather")


def test_digest_title_has_local_date() -> None:
    assert digest_title(date(2024, 7, 12)) == "Headlines — Friday, July 12, 2024"


def test_slot_instant_spring_forward_missing_time_moves_after_gap() -> None:
    # 2024-03-10 in New York: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    slot = slot_instant(date(2024, 3, 10), time(2, 30), "America/New_York")
    assert slot == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_slot_instant_fall_back_ambiguous_time_is_first_occurrence() -> None:
    slot = slot_instant(date(2024, 11, 3), time(1, 30), "America/New_York")
    assert slot == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT


def test_slot_instant_ordinary_day_uses_local_offset() -> None:
    assert slot_instant(date(2024, 7, 12), time(8, 0), "Europe/Berlin") == datetime(
        2024, 7, 12, 6, 0, tzinfo=UTC
    )


def _sub(**kw: object) -> Subscription:
    base: dict[str, object] = {
        "id": 1,
        "guild_id": 1,
        "number": 1,
        "channel_id": 5,
        "post_time": time(8, 0),
        "timezone": "Europe/Berlin",
        "created_at": datetime(2024, 7, 1, tzinfo=UTC),
    }
    base.update(kw)
    return Subscription(**base)  # type: ignore[arg-type]


def test_is_slot_due_before_and_after_post_time() -> None:
    sub = _sub()
    assert not is_slot_due(sub, datetime(2024, 7, 12, 5, 59, tzinfo=UTC))[0]
    due, day, slot = is_slot_due(sub, datetime(2024, 7, 12, 6, 0, tzinfo=UTC))
    assert due
    assert day == date(2024, 7, 12)
    assert slot == datetime(2024, 7, 12, 6, 0, tzinfo=UTC)


def test_is_slot_due_created_after_slot_waits_for_tomorrow() -> None:
    sub = _sub(created_at=datetime(2024, 7, 12, 9, 0, tzinfo=UTC))
    assert not is_slot_due(sub, datetime(2024, 7, 12, 10, 0, tzinfo=UTC))[0]
    assert next_post_at(sub, datetime(2024, 7, 12, 10, 0, tzinfo=UTC), today_done=False) == datetime(
        2024, 7, 13, 6, 0, tzinfo=UTC
    )


def test_next_post_at_paused_is_none() -> None:
    assert next_post_at(_sub(is_paused=True), NOW, today_done=False) is None


def test_top_stories_ranks_by_outlets_then_recency() -> None:
    headlines = [
        _h(1, "Senate passes sweeping climate bill after long debate", "Outlet A", 300),
        _h(2, "Senate passes sweeping climate bill after debate", "Outlet B", 200),
        _h(3, "Sweeping climate bill passes the Senate after long debate", "Outlet C", 100),
        _h(4, "Local bakery wins national bread award this year", "Outlet A", 10),
        _h(5, "Mayor announces new downtown bicycle lanes plan", "Outlet B", 50),
    ]
    stories = top_stories(headlines, 10)
    assert stories[0].outlet_count == 3
    assert [s.lead.id for s in stories[1:]] == [4, 5]  # one outlet each: most recent first


def test_top_stories_respects_max_items() -> None:
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(8))

    headlines = [_h(i, " ".join(word() for _ in range(6)), f"X{i}", i) for i in range(30)]
    assert len(top_stories(headlines, 10)) == 10


def _input(**kw: object) -> DigestInput:
    base: dict[str, object] = {"local_date": date(2024, 7, 12), "timezone": "Europe/Berlin", "stories": []}
    base.update(kw)
    return DigestInput(**base)  # type: ignore[arg-type]


def test_compose_empty_day_with_post_empty_gives_note() -> None:
    doc = compose(_input())
    assert doc.is_empty
    assert doc.note is not None


def test_compose_empty_day_without_post_empty_gives_nothing() -> None:
    doc = compose(_input(post_empty=False))
    assert doc.is_empty
    assert doc.note is None


def test_compose_story_shows_outlets_and_more_sources() -> None:
    headlines = [
        _h(i, "Senate passes sweeping climate bill after long debate", f"Outlet {i}", 10 * i)
        for i in range(1, 5)
    ]
    doc = compose(_input(stories=top_stories(headlines, 10)))
    assert len(doc.stories) == 1
    story = doc.stories[0]
    assert len(story.outlets) == 2
    assert story.more_sources == 2
    assert story.local_time == "16:50"  # latest headline, 14:50 UTC, in Berlin summer time


def test_compose_groups_statements_by_speaker() -> None:
    statements = [
        DigestStatement(1, 3, "Bea Smith", "We will cut taxes.", date(2024, 7, 11)),
        DigestStatement(2, 1, "Al Jones", "No comment.", None),
        DigestStatement(3, 2, "Bea Smith", "Next year.", date(2024, 7, 10)),
    ]
    doc = compose(_input(statements=statements))
    assert [g.speaker for g in doc.groups] == ["Al Jones", "Bea Smith"]
    assert [s.number for s in doc.groups[1].statements] == [2, 3]
    assert doc.groups[0].statements[0].said_on == "date unknown"


def test_compose_related_only_for_matched_stories() -> None:
    headlines = [
        _h(1, "Minister repeats pledge to cut taxes next year", "A", 5),
        _h(2, "Storm hits coast", "B", 5),
    ]
    stories = top_stories(headlines, 10)
    st = DigestStatement(9, 42, "Bea Smith", "We will cut taxes next year.", date(2024, 5, 1))
    doc = compose(_input(stories=stories, related={1: [RelatedStatement(st, 80.0)]}))
    assert len(doc.related) == 1
    assert doc.related[0].matches[0].number == 42
    assert doc.related[0].matches[0].said_on == "May 1, 2024"


def test_compose_respects_sections() -> None:
    headlines = [_h(1, "Minister repeats pledge to cut taxes next year", "A", 5)]
    statements = [DigestStatement(1, 3, "Bea", "Words.", None)]
    doc = compose(_input(stories=top_stories(headlines, 5), statements=statements, sections=("statements",)))
    assert doc.stories == ()
    assert len(doc.groups) == 1


def test_compose_delayed_marks_footer() -> None:
    doc = compose(_input(is_delayed=True, subscription_number=2, post_time=time(8, 0)))
    assert doc.footer is not None
    assert "late" in doc.footer
    assert "#2" in doc.footer


# ---- rendering -----------------------------------------------------------------------------------------


def test_render_escapes_markdown_and_mentions() -> None:
    headlines = [
        _h(
            1,
            "@everyone **Breaking** [click](https://evil.example) <@123456789012345678> `code`",
            "Out_let",
            5,
            link="https://x.example/a(b)",
        )
    ]
    doc = compose(_input(stories=top_stories(headlines, 5)))
    text = render.to_markdown(doc)
    assert "@everyone" not in text
    assert "**Breaking**" not in text
    assert "](https://evil.example)" not in text
    assert "<@123456789012345678>" not in text
    assert "Out\\_let" in text
    assert "(https://x.example/a%28b%29)" in text


def test_render_markdown_matches_discord_description() -> None:
    headlines = [_h(1, "Minister repeats pledge to cut taxes next year", "A_B", 5)]
    doc = compose(_input(stories=top_stories(headlines, 5)))
    messages = render.to_messages(doc)
    line = render.section_lines(doc, "headlines")[0]
    assert line in render.to_markdown(doc)
    assert line in (messages[0][0].description or "")
    assert messages[0][0].title == "Headlines — Friday, July 12, 2024"


def test_render_big_digest_splits_within_limits() -> None:
    long = "Very long headline " * 15
    headlines = [
        _h(i, f"{long} {i} unique words {i * 13} here {i * 31}", f"Outlet {i}", i) for i in range(25)
    ]
    statements = [
        DigestStatement(i, i, f"Speaker {i % 7}", "A long statement. " * 40, None) for i in range(50)
    ]
    stories = top_stories(headlines, 25)
    related = {
        s.lead.id: [RelatedStatement(statements[0], 90), RelatedStatement(statements[1], 80)] for s in stories
    }
    doc = compose(_input(stories=stories, statements=statements, related=related))
    messages = render.to_messages(doc)
    assert render.within_limits(messages)
    assert len(messages) >= 2
    assert all(len(e.description or "") <= 4096 for m in messages for e in m)
    text = "\n".join(e.description or "" for m in messages for e in m)
    assert text.count("#0 ") >= 1
    assert "Speaker 6" in text


def test_render_empty_note_single_embed() -> None:
    messages = render.to_messages(compose(_input()))
    assert len(messages) == 1
    assert len(messages[0]) == 1
    assert "No new headlines" in (messages[0][0].description or "")
