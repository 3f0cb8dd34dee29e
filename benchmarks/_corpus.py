"""Data for the matching benchmarks: the CheckThat! 2020 dev data and synthetic corpora built from it.

The synthetic corpora recombine real sentences and phrases of the statements so that word frequencies and
lengths stay natural while the corpus grows to 1M statements. Generation is deterministic (seeded).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.services.matching import IndexedStatement

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "claims-dev"
if not DATA_DIR.exists():  # the repo may live elsewhere; fall back to the workplace path
    DATA_DIR = Path("/work/shared/data/claims-dev")


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    text: str
    title: str


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    text: str
    relevant: frozenset[str]


def _read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_statements(split: str = "ct2020-dev") -> list[Statement]:
    return [
        Statement(str(row["id"]), str(row["text"]), str(row.get("title") or ""))
        for row in _read_jsonl(DATA_DIR / split / "statements.jsonl")
    ]


def load_queries(split: str) -> list[Query]:
    return [
        Query(str(row["id"]), str(row["text"]), frozenset(str(r) for r in row["relevant"]))  # type: ignore[attr-defined]
        for row in _read_jsonl(DATA_DIR / split / "queries.jsonl")
    ]


def to_indexed(statements: list[Statement], guild_id: int = 1) -> list[IndexedStatement]:
    """The data's statements as the bot would index them: the fact-check headline becomes the context."""
    return [
        IndexedStatement(
            statement_id=int(s.id),
            guild_id=guild_id,
            number=int(s.id),
            text=s.text,
            speaker_id=None,
            speaker_names=(),
            speaker_title=None,
            context=s.title or None,
            topics=(),
            said_on=None,
        )
        for s in statements
    ]


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLAUSE = re.compile(r"\s*(?:,|;|:| — | - | and | but | because | after | while )\s*")

_SPEAKERS = (
    ("Joe Biden", "Biden", "President Biden"),
    ("Donald Trump", "Trump"),
    ("Barack Obama", "Obama"),
    ("Nancy Pelosi", "Pelosi"),
    ("Emmanuel Macron", "Macron"),
    ("Justin Trudeau", "Trudeau"),
    ("Angela Merkel", "Merkel"),
    ("Boris Johnson", "Johnson", "BoJo"),
)


def synthetic_corpus(size: int, *, seed: int = 7, guilds: int = 20) -> Iterator[IndexedStatement]:
    """``size`` statements made of recombined clauses of the real statements and headlines.

    Statements are spread over ``guilds`` guilds with a Zipf-like skew (guild 1 holds the most), get a
    speaker from a small pool for 40% of them and a ``said_on`` date over ten years.
    """
    rng = random.Random(seed)
    base = load_statements()
    clauses: list[str] = []
    for s in base:
        for sentence in _SENTENCE.split(s.text):
            clauses.extend(c for c in _CLAUSE.split(sentence) if len(c.split()) >= 3)
    titles = [s.title for s in base if s.title]
    start = date(2015, 1, 1)
    weights = [1.0 / (g + 1) for g in range(guilds)]
    guild_ids = list(range(1, guilds + 1))
    for i in range(size):
        n = rng.choice((1, 2, 2, 3))
        text = " ".join(
            _capitalise(c) + ("." if k == n - 1 else ",") for k, c in enumerate(rng.sample(clauses, n))
        )
        speaker = rng.randrange(len(_SPEAKERS)) if rng.random() < 0.4 else None
        yield IndexedStatement(
            statement_id=i + 1,
            guild_id=rng.choices(guild_ids, weights)[0],
            number=i + 1,
            text=text,
            speaker_id=None if speaker is None else speaker + 1,
            speaker_names=() if speaker is None else _SPEAKERS[speaker],
            speaker_title=None,
            context=rng.choice(titles) if rng.random() < 0.5 else None,
            topics=(),
            said_on=start + timedelta(days=rng.randrange(3650)),
        )


def synthetic_queries(count: int, *, seed: int = 11) -> list[str]:
    """Claims as members would type them: tweets of the dev split (real text, not in the corpus verbatim)."""
    rng = random.Random(seed)
    queries = [q.text for q in load_queries("ct2020-dev")] + [q.text for q in load_queries("ct2020-train")]
    return [rng.choice(queries) for _ in range(count)]


def _capitalise(clause: str) -> str:
    clause = clause.strip().rstrip(".!?,;:")
    return clause[:1].upper() + clause[1:]
