"""The extractor never crashes and stays fast, whatever the text."""

from __future__ import annotations

import random
import time
from datetime import date

import pytest

from bot.services.extraction import extract_quotes

FRI = date(2024, 7, 12)


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", '"', "''", "“", "”", '""', "“”", "''''", "\u2592"])
def test_extract_degenerate_text_returns_list(text: str) -> None:
    assert isinstance(extract_quotes(text, FRI), list)


def test_extract_no_quotes_gives_no_quotations() -> None:
    text = "The council met on Monday.\n\nIt approved the budget and adjourned."
    assert [q for q in extract_quotes(text, FRI) if q.kind != "paraphrase"] == []


@pytest.mark.parametrize(
    "text",
    [
        'Headline.\n\n"We will never stop, Ana Ruiz said.\n\nShe left.',
        'Headline.\n\nAna Ruiz said "unfinished business and left. "Another.',
        "Headline.\n\n” backwards “ marks ” everywhere “ said Ana Ruiz.",
        "Headline.\n\n''one '' two '' three, said Ana Ruiz.",
        'Headline.\n\n"""""""" said Ana Ruiz """',
    ],
)
def test_extract_unbalanced_marks_do_not_crash(text: str) -> None:
    for q in extract_quotes(text, FRI):
        assert 0 <= q.start <= q.end <= len(text)
        assert 0.0 <= q.confidence <= 1.0


def test_extract_unclosed_quote_stops_at_paragraph_end() -> None:
    text = 'Headline.\n\nAna Ruiz said: "We will never stop.\n\nThe meeting ended at noon.'
    found = [q for q in extract_quotes(text, FRI) if q.kind != "paraphrase"]
    assert [q.quote for q in found] == ["We will never stop."]


def test_extract_one_megabyte_text_completes() -> None:
    para = (
        '"We will rebuild the bridge by spring," Transport Minister Helena Brandt said on Friday. '
        "The council approved the plan after a long debate. "
        'She said the work was "overdue" and thanked the engineers.\n\n'
    )
    text = "Bridge plan approved.\n\n" + para * (1_000_000 // len(para))
    t0 = time.perf_counter()
    found = extract_quotes(text, FRI)
    elapsed = time.perf_counter() - t0
    assert len(found) > 1000
    assert elapsed < 60


def test_extract_random_unicode_never_crashes() -> None:
    rng = random.Random(20240712)
    alphabet = "abcXYZ ,.;:!?-—–\n\"'“”‘’«»„()[]0123456789éßø中文🙂\u2592\t"
    words = [
        "said",
        "told",
        "according",
        "to",
        "Mr.",
        "Smith",
        "He",
        "she",
        "the",
        "Ministry",
        "Friday",
        "June",
    ]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(0, 60)):
            if rng.random() < 0.3:
                parts.append(rng.choice(words))
            else:
                parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))))
        text = " ".join(parts)
        published = rng.choice([None, FRI, date(2000, 2, 29)])
        for q in extract_quotes(text, published):
            assert 0 <= q.start <= q.end <= len(text)
            assert q.kind in ("direct", "partial", "paraphrase")


def test_extract_is_deterministic() -> None:
    text = 'Headline.\n\n"We will win," Omar Haddad said on Friday. "Again," he added.'
    assert extract_quotes(text, FRI) == extract_quotes(text, FRI)


@pytest.mark.parametrize("text", ['"a," ' * 3000, "said 9/11 " * 3000, 'He said "x" ' * 3000])
def test_run_on_inputs_are_cut_into_bounded_sentences(text: str) -> None:
    # Such inputs once made every quote rescan one giant "sentence" (minutes of CPU for 60,000 characters).
    quotes = extract_quotes(text, date(2024, 7, 12))
    assert all(0 <= q.start <= q.end <= len(text) for q in quotes)
