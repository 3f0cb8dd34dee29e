"""Unit tests for wire-copy attribution patterns (AP / Reuters style), on hand-written sentences."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.extraction import ProposedQuote, extract_quotes

FRI = date(2024, 7, 12)
HEAD = "Officials weigh the next steps.\n\n"


def quotes(text: str) -> list[ProposedQuote]:
    return [q for q in extract_quotes(HEAD + text, FRI) if q.kind != "paraphrase"]


def only(text: str) -> ProposedQuote:
    found = quotes(text)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ documents and spokespeople


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "According to a statement from the Department of Justice, the charges “reflect a pattern of fraud.”",
            "Department of Justice",
        ),
        (
            "According to a report by the Government Accountability Office, the agency “wasted billions.”",
            "Government Accountability Office",
        ),
        ("According to a filing by Tesla, the recall “addresses a software flaw.”", "Tesla"),
        (
            "According to a statement released by the Labor Department, hiring “slowed sharply.”",
            "Labor Department",
        ),
        ("According to a letter from Sen. Ron Wyden, the firm “misled regulators.”", "Ron Wyden"),
        (
            "The budget “is a fantasy,” according to a memo from the Ministry of Finance.",
            "Ministry of Finance",
        ),
        ("A statement from the Department of Energy said prices were “stabilising.”", "Department of Energy"),
        ("“We will appeal,” said a statement from the Justice Department.", "Justice Department"),
    ],
)
def test_extract_document_from_a_named_source_is_that_source(text: str, speaker: str) -> None:
    q = only(text)
    assert q.speaker == speaker
    assert q.speaker_named is True


@pytest.mark.parametrize(
    "text",
    [
        "“We are reviewing the matter,” a spokesperson for Meta said.",
        "“No comment,” said a spokesman for the FBI.",
        "A spokeswoman for the Commerce Department said the rule was “final.”",
    ],
)
def test_extract_unnamed_spokesperson_for_an_organisation_is_the_organisation(text: str) -> None:
    q = only(text)
    assert q.speaker in ("Meta", "FBI", "Commerce Department")
    assert q.speaker_kind == "organisation"
    assert q.speaker_named is True


def test_extract_unnamed_spokesperson_for_a_person_stays_a_description() -> None:
    q = only("Sen. Bernie Sanders left early.\n\n“No comment,” a spokesman for Sanders said.")
    assert q.speaker == "a spokesman for Sanders"
    assert q.speaker_named is False
    assert q.kind == "direct"
