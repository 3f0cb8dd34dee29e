"""Group headlines about the same story from several outlets, and rank the stories.

Pure functions, no IO. Titles are normalised (outlet suffixes such as " - BBC News" and labels such as
"LIVE:" dropped, then ``rapidfuzz.utils.default_process``) and compared with ``token_set_ratio`` on their
content words. ``token_set_ratio`` forgives different word order and one title adding detail to the other,
which is how outlets rewrite the same news; because it also scores a short title that is a subset of a
longer one at 100, titles with few content words must match almost verbatim, and titles with almost none
never join a story. Only headlines within ``window`` (36 hours) of each other are compared.

Clustering is greedy single-link in time order: each headline joins the story holding its best match at
or above the threshold, or starts a new story. That is O(n²) comparisons in the worst case, which is fine
for a digest (a few thousand headlines a day take well under a second with rapidfuzz).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

DEFAULT_THRESHOLD = 70.0
"""token_set_ratio on content words, for titles with at least ``LONG_TITLE_WORDS`` content words."""
SHORT_TITLE_THRESHOLD = 90.0
"""Plain ratio required when the shorter title has fewer content words (a subset is not enough)."""
CONFLICTING_NAMES_THRESHOLD = 90.0
"""token_sort_ratio required when each title has a name the other lacks (two central banks, one day)."""
LONG_TITLE_WORDS = 4
MIN_CONTENT_WORDS = 3
"""Titles with fewer content words ("Live updates", "Morning briefing") never join a story."""
DEFAULT_WINDOW = timedelta(hours=36)

_STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has", "have", "he",
        "her", "his", "how", "in", "into", "is", "it", "its", "of", "on", "or", "our", "over", "says", "said",
        "she", "so", "than", "that", "the", "their", "them", "there", "they", "this", "to", "up", "was", "we",
        "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "after",
        "amid", "about", "new", "more",
    }
)  # fmt: skip
_LABEL = re.compile(
    r"^\s*(breaking( news)?|live( updates)?|watch|video|update[d]?|exclusive|analysis|opinion|explainer)\s*[:|–—-]\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_][\w'’.-]*")
_POSSESSIVE = re.compile(r"['’]s$|[.'’-]+$", re.IGNORECASE)
_SEPARATORS = (" - ", " – ", " — ", " | ", " :: ")


class ClusterableHeadline(Protocol):
    """What clustering needs from a headline (``ParsedHeadline`` and the domain ``Headline`` both fit)."""

    @property
    def title(self) -> str: ...

    @property
    def outlet(self) -> str: ...


H = TypeVar("H", bound=ClusterableHeadline)


@dataclass(frozen=True, slots=True)
class Story(Generic[H]):
    """One story: the headlines about it (oldest first), its lead headline and its distinct outlets."""

    headlines: tuple[H, ...]
    lead: H
    outlets: tuple[str, ...]
    """Distinct outlet names, in order of first appearance."""
    first_seen: datetime
    last_seen: datetime

    @property
    def outlet_count(self) -> int:
        return len(self.outlets)


def normalise_title(title: str, outlet: str = "") -> str:
    """Lower-case word string of ``title`` without labels, the outlet suffix and punctuation."""
    text = _LABEL.sub("", title)
    if outlet:
        folded_outlet = default_process(outlet)
        for separator in _SEPARATORS:
            head, found, tail = text.rpartition(separator)
            if found and head and default_process(tail) == folded_outlet:
                text = head
                break
    return " ".join(default_process(text).split())


def content_words(normalised: str) -> list[str]:
    return [word for word in normalised.split() if word not in _STOPWORDS]


def proper_names(title: str) -> frozenset[str]:
    """Capitalised words of a sentence-case headline, lower-cased, possessives removed.

    Empty for Title Case headlines, where capitals say nothing about names.
    """
    return _names(title)[0]


def _names(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """(all names, names after the first word); the first word of a headline is capitalised anyway."""
    words = _WORD.findall(_LABEL.sub("", title))
    capitalised = [w for w in words if w[0].isupper()]
    if not words or (len(words) >= 4 and len(capitalised) > 0.6 * len(words)):
        return frozenset(), frozenset()

    def fold(word: str) -> str:
        return _POSSESSIVE.sub("", word).lower()

    inner = frozenset(fold(w) for w in words[1:] if w[0].isupper() and w.lower() not in _STOPWORDS)
    first = {fold(words[0])} if words[0][0].isupper() and words[0].lower() not in _STOPWORDS else set()
    return inner | first, inner


def _name_matches(name: str, others: frozenset[str]) -> bool:
    """Equal, or a 3+ letter prefix of the other ("Fed" ~ "Federal")."""
    return any(
        name == other
        or (min(len(name), len(other)) >= 3 and (name.startswith(other) or other.startswith(name)))
        for other in others
    )


@dataclass(frozen=True, slots=True)
class _Prepared:
    text: str
    """Content words joined by spaces."""
    word_count: int
    names: frozenset[str]
    inner_names: frozenset[str]


def _prepare(title: str, outlet: str) -> _Prepared:
    words = content_words(normalise_title(title, outlet))
    names, inner_names = _names(title)
    return _Prepared(" ".join(words), len(words), names, inner_names)


def _names_conflict(a: _Prepared, b: _Prepared) -> bool:
    """Both titles name someone or something the other does not ("Bank of England" / "Central Bank")."""
    return any(not _name_matches(n, b.names) for n in a.inner_names) and any(
        not _name_matches(n, a.names) for n in b.inner_names
    )


def _similarity(a: _Prepared, b: _Prepared, *, threshold: float) -> float:
    """Score in [0, 100]; 0 when the pair may not cluster at all."""
    shorter = min(a.word_count, b.word_count)
    if shorter < MIN_CONTENT_WORDS:
        return 0.0
    if a.names and b.names:
        if not any(_name_matches(n, b.names) for n in a.names):
            return 0.0  # "Bank of England raises rates" is not "Federal Reserve raises rates"
        if _names_conflict(a, b):
            # Shared words may not hide the different names: compare whole titles, strictly.
            score = fuzz.token_sort_ratio(a.text, b.text)
            return score if score >= max(threshold, CONFLICTING_NAMES_THRESHOLD) else 0.0
    if shorter < LONG_TITLE_WORDS:
        score = fuzz.ratio(a.text, b.text, score_cutoff=SHORT_TITLE_THRESHOLD)
        return score if score >= SHORT_TITLE_THRESHOLD else 0.0
    score = fuzz.token_set_ratio(a.text, b.text, score_cutoff=threshold)
    return score if score >= threshold else 0.0


def title_similarity(a: str, b: str, *, outlet_a: str = "", outlet_b: str = "") -> float:
    """How alike two titles are for clustering, in [0, 100]; 0 when they may not be clustered."""
    return _similarity(_prepare(a, outlet_a), _prepare(b, outlet_b), threshold=0.0)


def cluster_headlines(
    headlines: Iterable[H],
    *,
    seen_at: Callable[[H], datetime],
    threshold: float = DEFAULT_THRESHOLD,
    window: timedelta = DEFAULT_WINDOW,
) -> list[Story[H]]:
    """Group near-duplicate titles into stories.

    ``seen_at`` gives each headline's time (its published date, else when the bot first saw it; aware).
    Stories come back in order of first appearance; use :func:`rank_stories` for digest order.
    """
    items = sorted(headlines, key=lambda h: (seen_at(h), h.outlet, h.title))
    prepared = [_prepare(h.title, h.outlet) for h in items]
    times = [seen_at(h) for h in items]
    cluster_of: list[int] = []
    members: list[list[int]] = []
    for index in range(len(items)):
        best_cluster, best_score = -1, 0.0
        earliest = times[index] - window
        for other in range(index - 1, -1, -1):
            if times[other] < earliest:
                break
            score = _similarity(prepared[index], prepared[other], threshold=threshold)
            if score > best_score:
                best_cluster, best_score = cluster_of[other], score
        if best_cluster < 0:
            best_cluster = len(members)
            members.append([])
        cluster_of.append(best_cluster)
        members[best_cluster].append(index)
    return [
        _story([items[i] for i in group], [prepared[i] for i in group], [times[i] for i in group])
        for group in members
    ]


def _story(headlines: Sequence[H], prepared: Sequence[_Prepared], times: Sequence[datetime]) -> Story[H]:
    outlets = tuple(dict.fromkeys(h.outlet for h in headlines))
    lead_index = _lead_index(prepared, times)
    return Story(
        headlines=tuple(headlines),
        lead=headlines[lead_index],
        outlets=outlets,
        first_seen=min(times),
        last_seen=max(times),
    )


def _lead_index(prepared: Sequence[_Prepared], times: Sequence[datetime]) -> int:
    """The most representative headline: highest total similarity to the others, then the earliest."""
    if len(prepared) <= 2:
        return 0
    totals = [
        sum(fuzz.token_set_ratio(p.text, q.text) for j, q in enumerate(prepared) if j != i)
        for i, p in enumerate(prepared)
    ]
    return max(range(len(prepared)), key=lambda i: (totals[i], -times[i].timestamp(), -i))


def rank_stories(stories: Iterable[Story[H]]) -> list[Story[H]]:
    """Digest order: more distinct outlets first, then the most recently updated, then the earliest."""
    return sorted(
        stories,
        key=lambda s: (-s.outlet_count, -s.last_seen.timestamp(), s.first_seen.timestamp(), s.lead.title),
    )
