"""Rendering of claim checks: highlighted words, escaping, verdict lines and embed limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain import Statement
from bot.services.claims import ClaimCheck, ClaimMatch, ClaimReport
from bot.ui.claims import (
    NONE_TITLE,
    RELATED_TITLE,
    highlight,
    recent_embed,
    report_embed,
    verdict_title,
)

NOW = datetime(2024, 7, 12, 15, 0, tzinfo=UTC)


def _statement(number: int = 12, text: str = "We will cut taxes next year.", **kw: object) -> Statement:
    values: dict[str, object] = {
        "id": number + 1000,
        "guild_id": 1,
        "number": number,
        "text": text,
        "speaker_id": 5,
        "speaker_name": "Jane Doe",
        "speaker_kind": "person",
        "speaker_title": "Mayor",
        "said_on": date(2024, 3, 1),
        "kind": "direct",
        "context": None,
        "source_url": "https://example.com/news/1",
        "source_name": "Example News",
        "topics": (),
        "external_id": None,
        "status": "published",
        "added_by": 1,
        "created_at": NOW,
        "edited_at": None,
        "edited_by": None,
        "edit_count": 0,
    }
    values.update(kw)
    return Statement(**values)  # type: ignore[arg-type]


def _report(
    matches: list[ClaimMatch], verdict: str = "on_record", claim: str = "they will cut taxes"
) -> ClaimReport:
    return ClaimReport(claim, verdict, tuple(matches), strong=70.0, related=45.0)  # type: ignore[arg-type]


def test_highlight_bolds_spans() -> None:
    assert highlight("We will cut taxes.", [(8, 11), (12, 17)], 100) == "We will **cut** **taxes**."


def test_highlight_escapes_user_markdown_outside_and_inside_bold() -> None:
    text = "*cut* taxes @everyone"
    out = highlight(text, [(1, 4)], 200)
    assert out.startswith("\\***cut**\\*")
    assert "@everyone" not in out  # mentions neutralised
    assert out.count("**") == 2


def test_highlight_ignores_bad_spans() -> None:
    assert highlight("abc def", [(4, 99), (0, 0), (2, 1), (5, 6)], 100) == "abc **def**"


def test_highlight_cut_keeps_bold_balanced_and_points_to_quote_show() -> None:
    text = "taxes " * 100
    spans = [(i * 6, i * 6 + 5) for i in range(100)]
    out = highlight(text, spans, 120, more="(`/quote show 12`)")
    assert len(out) <= 120
    assert out.endswith("… (`/quote show 12`)")
    assert out.count("**") % 2 == 0


def test_highlight_cut_inside_long_bold_word() -> None:
    text = "x" * 500
    out = highlight(text, [(0, 500)], 50, more="(`/quote show 3`)")
    assert len(out) <= 50
    assert out.startswith("**x")
    assert out.count("**") == 2


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        ("on_record", "On record: Jane Doe, Mayor, March 1, 2024 (#12)"),
        ("related", RELATED_TITLE),
        ("none", NONE_TITLE),
    ],
)
def test_verdict_title_per_verdict(verdict: str, expected: str) -> None:
    report = _report([ClaimMatch(_statement(), 80.0, ((8, 11),))], verdict)
    assert verdict_title(report) == expected


def test_report_embed_shows_matches_with_score_speaker_date_source_number() -> None:
    report = _report([ClaimMatch(_statement(), 80.4, ((8, 11), (12, 17)))])
    embed = report_embed(report)
    (field,) = embed.fields
    assert field.name == "#12 · score 80 · Jane Doe, Mayor"
    assert field.value is not None
    assert "We will **cut** **taxes** next year." in field.value
    assert "March 1, 2024" in field.value
    assert "(https://example.com/news/1)" in field.value
    assert "#12" in field.value


def test_report_embed_hides_matches_below_related() -> None:
    report = _report([ClaimMatch(_statement(), 20.0, ())], "none")
    embed = report_embed(report)
    assert embed.title == NONE_TITLE
    assert embed.fields == []
    assert embed.description is not None
    assert "try other words" in embed.description


def test_report_embed_stays_within_discord_limits_with_huge_texts() -> None:
    long_text = ("*Taxes* " * 600)[:4000]
    spans = tuple((i * 8 + 1, i * 8 + 6) for i in range(490))
    matches = [
        ClaimMatch(
            _statement(
                n,
                long_text,
                speaker_name="N" * 200,
                speaker_title="T" * 300,
                source_url="https://e.com/" + "a" * 1900,
            ),
            90.0,
            spans,
        )
        for n in range(1, 6)
    ]
    report = _report(matches, claim="c" * 4000)
    embed = report_embed(report, checked_by="Someone")
    assert len(embed) <= 6000
    assert embed.title is not None
    assert len(embed.title) <= 256
    assert len(embed.fields) == 5
    for f in embed.fields:
        assert f.name is not None
        assert f.value is not None
        assert len(f.name) <= 256
        assert len(f.value) <= 1024
        assert "`/quote show" in f.value
        assert f.value.split("\n")[0].count("**") % 2 == 0
    assert embed.footer.text is not None
    assert embed.footer.text.startswith("Checked by Someone")


def test_report_embed_shows_at_most_five() -> None:
    matches = [ClaimMatch(_statement(n), 90.0 - n, ()) for n in range(1, 9)]
    assert len(report_embed(_report(matches)).fields) == 5


def test_recent_embed_lists_checks_escaped() -> None:
    entries = [
        ClaimCheck(1, 77, "**bold** claim @everyone", 12, 81.2, "on_record", NOW),
        ClaimCheck(2, 78, "nothing", None, None, "none", NOW),
    ]
    embed = recent_embed(entries)
    assert embed.description is not None
    assert "<@77> · on record · best #12 (score 81)" in embed.description
    assert "\\*\\*bold\\*\\*" in embed.description
    assert "@everyone" not in embed.description
    assert "<@78> · nothing on record\n" in embed.description


def test_recent_embed_empty_says_so() -> None:
    assert recent_embed([]).description == "No claims have been checked in this server yet."
