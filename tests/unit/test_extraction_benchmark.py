"""The extraction benchmark scores speakers by the scored evaluation's conventions, no more leniently."""

from __future__ import annotations

import pytest

from benchmarks.extraction import speaker_ok, speaker_scorable

TEXT = (
    "President Barack Obama spoke on Friday. Obama said the bill was signed.\n\n"
    "Judge Frank Nervo ruled. A spokeswoman, Ann Lee, and Mayor Bill de Blasio attended."
)


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        ("Barack Obama", {"speaker": "the president", "speaker_named": False}, True),
        ("Bill de Blasio", {"speaker": "the president", "speaker_named": False}, False),
        ("Barack Obama", {"speaker": "a doctor", "speaker_named": False}, False),
        ("the president", {"speaker": "the president", "speaker_named": False}, True),
        ("Frank Nervo", {"speaker": "Nervo", "speaker_named": False}, True),
        ("Nervo", {"speaker": "Frank Nervo", "speaker_named": True}, False),
        ("Barack Obama", {"speaker": "President Barack Obama", "speaker_named": True}, True),
        ("Obama", {"speaker": "President Barack Obama", "speaker_named": True}, False),
        (None, {"speaker": None, "speaker_named": False}, True),
        ("Barack Obama", {"speaker": None, "speaker_named": False}, False),
    ],
)
def test_speaker_ok_follows_naming_conventions(
    pred: str | None, gold: dict[str, object], expected: bool
) -> None:
    assert speaker_ok(pred, gold, TEXT) is expected


def test_speaker_scorable_unresolved_pronoun_is_not_scored() -> None:
    assert not speaker_scorable({"speaker": None, "source_text": "she"})
    assert speaker_scorable({"speaker": None, "source_text": None})


ACRONYM_TEXT = (
    "The World Health Organization warned on Monday. The WHO said cases were rising.\n\n"
    "Gov. Ruth Calder spoke. Governor Calder said the state was ready. CALDER: We are ready."
)


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        # an acronym and its expansion, both written in the article, are the same speaker
        ("WHO", {"speaker": "The World Health Organization", "speaker_named": False}, True),
        ("World Health Organization", {"speaker": "WHO", "speaker_named": True}, True),
        # initials that the article never writes out are not accepted
        ("WHA", {"speaker": "The World Health Organization", "speaker_named": False}, False),
        ("UN", {"speaker": "United Nations", "speaker_named": True}, False),
        # a capitalised transcript surname expands like any bare surname; a title is not a given name
        ("Ruth Calder", {"speaker": "CALDER", "speaker_named": False}, True),
        ("Ann Calder", {"speaker": "CALDER", "speaker_named": False}, False),
    ],
)
def test_speaker_ok_acronyms_and_capitalised_surnames(
    pred: str | None, gold: dict[str, object], expected: bool
) -> None:
    assert speaker_ok(pred, gold, ACRONYM_TEXT) is expected
