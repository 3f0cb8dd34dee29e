"""Claim matching: an in-memory index over every guild's published statements.

Pipeline for one query (no IO, synchronous):

1. ``analyze`` the claim (simple tokenizer, lowercase, ASCII folding, stop words, English stemming).
2. The lexical backend (tantivy BM25 over text, context, speaker names and topics, one index per guild, so
   no statistic crosses guilds) proposes candidates, optionally filtered by speaker ids and a ``said_on`` range.
3. Each candidate is re-ranked with bounded features: idf-weighted coverage of the query by the statement
   and of the statement by the query, a saturated BM25, whether the claim names the statement's speaker and,
   when configured, a semantic similarity; the best ten by those are then re-scored with rapidfuzz (the
   partial ratio of the claim's own words and the statement's text).
4. A logistic model fitted on the CheckThat! 2020 train split (see ``benchmarks/matching_quality.py --fit``)
   turns the features into ONE score on 0..100, roughly "percent chance that this statement is the one the
   claim repeats", so per-guild thresholds mean the same thing for every query.

Index changes are buffered and committed before the next search, so a change is matchable by the very
next call without a rebuild; ``commit`` may also be called explicitly.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Literal, Protocol, runtime_checkable

import tantivy
from rapidfuzz import fuzz, utils

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_RELATED_THRESHOLD",
    "DEFAULT_STRONG_THRESHOLD",
    "SEMANTIC_WEIGHTS",
    "DenseSemanticScorer",
    "DenseStore",
    "FusionWeights",
    "IndexedStatement",
    "LexicalBackend",
    "MatchIndex",
    "MatchResult",
    "SemanticScorer",
    "TantivyBackend",
    "Verdict",
    "analyze",
    "clean_query",
    "verdict",
]

Verdict = Literal["on_record", "related", "none"]

# Chosen on ct2020-train with `benchmarks/matching_quality.py --thresholds` (top-1 scores of correct, wrong
# and "nothing on record" queries, the latter with the relevant statements and their near-duplicates held
# out), for the lexical model, keeping what the thresholds meant before the rank feature lifted top-1 scores:
# at 80 a top-1 result is right ~95% of the time and only ~2% of claims with nothing on record reach it; at 50
# ~57% of claims find their statement while ~7% of those with nothing on record show a lead. With the semantic
# extra both thresholds are stricter on false alarms: at 80 ~97% right and <1% of nothing-on-record claims; at 50
# ~67% of claims find their statement against ~6% false leads.
DEFAULT_STRONG_THRESHOLD = 80.0
DEFAULT_RELATED_THRESHOLD = 50.0

_MAX_QUERY_CHARS = 4000
_MAX_QUERY_TERMS = 64
_CANDIDATES = 30  # re-ranked BM25 candidates: 20..50 give the same MAP on ct2020-train
_RESCORED = 10  # candidates re-scored by rapidfuzz: 5..30 give the same MAP on ct2020 train and dev
_DENSE_CANDIDATES = 30  # nearest statements by embedding, added to the BM25 candidates when semantic is on
_IDF_CACHE_MAX = 200_000
# A claim of one or two words ("Trump", "Obama wall") names a topic, not something said: however well a statement
# matches it, its score is scaled to stay below the default "on record" threshold (the model was fitted on whole
# posts, so it would call a one-word match certain). The order is unchanged.
_TOPIC_CAPS = {1: 60.0, 2: 75.0}

# Lucene's English list plus common function words and claim-framing verbs ("X said ..."). Negations are
# kept on purpose: they are cheap, rare terms that separate "will" from "won't" claims a little.
_STOP_WORDS = (
    "a an and are as at be but by for if in into is it of on or such that the their then there these they "
    "this to was will with i me my we our you your he him his she her its them what which who whom those am "
    "been being have has had having do does did doing would should could ought from up down out off over "
    "under again further once here when where why how all any both each few more most other some so than "
    "too very s t can just don now d ll m o re ve y about against between through during before after above "
    "below said say says saying"
)

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>")
_TAG = re.compile(r"[#@]\w+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# The date that ends a pasted post's signature, "— Name (@handle) Month D, YYYY". The name stays: the poster is
# often the claim's subject; the date is noise to the sentence model.
_SIGNATURE_DATE = re.compile(r"(\(@\w+\))\s*[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}\s*$")
# A whole post signature, "— Name (@handle) Month D, YYYY", for the fuzzy comparison of the claim's own words.
_SIGNATURE = re.compile(r"\s[—–-]\s*[^—–\n]{0,80}?\(@\w+\)[^\n]*$")
_SPACES = re.compile(r"\s+")
# An all-lowercase tag, "#fyrefestival", that may be words run together (longer ones are not words).
_LOWER_TAG = re.compile(r"#([a-z0-9]{6,40})\b")
_MAX_SEGMENT = 20
# Who a claim says is speaking (see ``_sayer_terms``): up to four words right before a speech verb (an adverb or
# auxiliary may come between), after a verb that follows a quote or a comma ("...," said Biden), after
# "according to", before a colon opening the claim, before "'s claim", and the name in a post's signature.
_SPEECH_VERB = (
    r"(?:say|says|said|saying|claim|claims|claimed|tell|tells|told|tweet|tweets|tweeted|wrote|writes|"
    r"state|states|stated|announce|announces|announced|insist|insists|insisted|argue|argues|argued|promise|"
    r"promises|promised|pledge|pledges|pledged|vow|vows|vowed|admit|admits|admitted|declare|declares|declared|"
    r"warn|warns|warned|deny|denies|denied|add|adds|added|posted|boasted|suggested|predicted|asserted)"
)
# A word (possessive: never given back, so no claim makes the patterns backtrack) or an initial.
_WORD = r"(?:[A-Z]\.|[\w'’-]++)"
_WHO = rf"(?P<who>(?<![\w'’-]){_WORD}(?:\s+{_WORD}){{0,3}})"
_SAYER_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        _WHO + r"\s+(?:(?:has|had|have|once|also|just|now|then|reportedly|allegedly|never|repeatedly|"
        r"previously|recently|publicly|falsely|actually|really|did|does|do|not)\s+){0,2}"
        + _SPEECH_VERB
        + r"\b",
        r"[,\"”]\s*" + _SPEECH_VERB + r"\s+" + _WHO + r"\s*(?:[.,;!?]|$)",
        r"\baccording\s+to\s+" + _WHO + r"\b",
        r"(?:^|\n)\s*" + _WHO + r"\s*:",
        _WHO
        + r"(?:(?<=['’]s)|(?<=['’]))\s+(?:claim|statement|remark|comment|words|quote|tweet|promise|pledge|speech|"
        r"vow|answer)s?\b",
        r"[—–-]\s*(?P<who>[^—–\n(@]{1,80}?)\s*\(@\w+\)",
    )
)


def verdict(score: float, strong: float, related: float) -> Verdict:
    """Classify a fused 0..100 score: on the record, related, or nothing on record."""
    if score >= strong:
        return "on_record"
    if score >= related:
        return "related"
    return "none"


@dataclass(frozen=True, slots=True)
class IndexedStatement:
    statement_id: int  # global DB id
    guild_id: int
    number: int  # per-guild #number
    text: str
    speaker_id: int | None = None
    speaker_names: tuple[str, ...] = ()  # canonical + aliases
    speaker_title: str | None = None
    context: str | None = None
    topics: tuple[str, ...] = ()
    said_on: date | None = None


@dataclass(frozen=True, slots=True)
class MatchResult:
    statement_id: int
    number: int
    score: float  # 0..100, calibrated
    highlights: tuple[tuple[int, int], ...]  # [start, end) char spans in the statement text
    lexical_score: float  # 0..100: idf-weighted term overlap
    fuzzy_score: float  # 0..100: rapidfuzz token-set ratio on normalised text
    semantic_score: float | None = None  # 0..100 when a semantic scorer is configured


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """Logit weights over the re-ranking features (all query-normalised, so the score is comparable across
    queries). Fitted on ct2020-train by ``benchmarks/matching_quality.py --fit``: a listwise (softmax over
    each query's candidates) fit for the ranking direction, then Platt scaling for calibration."""

    bias: float = -11.776
    bm25: float = 13.208  # BM25 over max(query, statement) self-score (the sum of a side's term idfs)
    query_coverage: float = 5.232
    statement_coverage: float = 0.651
    token_set: float = 0.0
    partial: float = 8.947  # rapidfuzz partial ratio of the claim's own words and the statement's text
    speaker: float = 2.0  # not learnable from the benchmark (it has no speakers); set by hand
    semantic: float = 0.0
    bm25_query: float = 0.0  # BM25 over the query's self-score (keeps BM25's order within a query)
    bm25_rank: float = 2.617  # 1 / (1 + rank) in the BM25 list, 0 outside it
    dense_rank: float = 0.0  # 1 / (1 + rank) among the nearest embeddings, 0 outside them


# Used when a semantic scorer is configured; fitted the same way with the cosine and the dense rank (the model
# embeds a statement's text with its context, and the claim without links or a post signature's date).
SEMANTIC_WEIGHTS = FusionWeights(
    bias=-11.565,
    bm25=4.788,
    query_coverage=3.753,
    statement_coverage=0.393,
    token_set=0.0,
    partial=0.0,
    semantic=12.732,
    bm25_rank=2.254,
    dense_rank=0.158,
)


class SemanticScorer(Protocol):
    """Optional dense similarity; see ``bot/services/semantic.py``."""

    def similarities(self, query: str, texts: Sequence[str]) -> list[float]:
        """Cosine similarity of the query with each text, in [-1, 1]."""
        ...


class DenseStore(Protocol):
    """Normalised statement embeddings, one matrix per guild (see ``bot/services/semantic.py``)."""

    def put(self, docs: Sequence[tuple[int, int, str]]) -> None:
        """Add or replace ``(guild_id, statement_id, text)`` rows; embeds in batches, each text once."""
        ...

    def remove(self, statement_id: int) -> None: ...

    def remove_guild(self, guild_id: int) -> None: ...

    def search(
        self, guild_id: int, query: str, *, limit: int, also: Collection[int] = ()
    ) -> tuple[list[int], dict[int, float]]:
        """The guild's ``limit`` nearest statements (best first) and the cosine of those and of ``also``."""
        ...


@runtime_checkable
class DenseSemanticScorer(SemanticScorer, Protocol):
    """A scorer that can also keep a dense index, so candidates come from the whole guild, not only BM25."""

    def dense_store(self) -> DenseStore: ...


class LexicalBackend(Protocol):
    """The replaceable candidate generator. Terms are already ``analyze``d."""

    def add(self, doc: IndexedStatement) -> None: ...

    def delete(self, guild_id: int, statement_id: int) -> None: ...

    def delete_guild(self, guild_id: int) -> None: ...

    def commit(self, *, release: bool = False) -> None:
        """Make the changes searchable; ``release`` also frees what writing needs until the next change."""
        ...

    def search(
        self,
        guild_id: int,
        terms: Sequence[str],
        *,
        limit: int,
        speaker_ids: Collection[int] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[tuple[int, float]]:
        """Return ``(statement_id, bm25)`` pairs, best first."""
        ...

    def scores_for(
        self, guild_id: int, terms: Sequence[str], statement_ids: Collection[int]
    ) -> dict[int, float]:
        """BM25 of the given statements of the guild (those matching no term are left out)."""
        ...

    def doc_freq(self, guild_id: int, term: str) -> int:
        """How many of the guild's statements hold the term."""
        ...

    def num_docs(self, guild_id: int) -> int: ...


@cache
def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.custom_stopword(_STOP_WORDS.split()))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def analyze(text: str) -> list[str]:
    """Normalise text into index terms (the same analysis the index applies)."""
    return list(_analyzer().analyze(text))


def clean_query(query: str) -> str:
    """Drop links and Discord markup; spell out camel-cased tags (#DefundTheCBC also reads "defund the cbc")."""
    query = _DISCORD_MARKUP.sub(" ", _URL.sub(" ", query[:_MAX_QUERY_CHARS]))
    return _TAG.sub(lambda m: f"{m.group(0)} {_CAMEL.sub(' ', m.group(0))}", query)


def _semantic_query(query: str) -> str:
    """The claim as the sentence model reads it: no links, no Discord markup, no date after a post's signature."""
    text = _DISCORD_MARKUP.sub(" ", _URL.sub(" ", query[:_MAX_QUERY_CHARS]))
    text = _SPACES.sub(" ", _SIGNATURE_DATE.sub(r"\1", text)).strip()
    return text or query[:_MAX_QUERY_CHARS]


def _claim_words(query: str) -> str:
    """The claim's own words for the character-level comparison: no links, markup or post signature."""
    return _SIGNATURE.sub(" ", _DISCORD_MARKUP.sub(" ", _URL.sub(" ", query[:_MAX_QUERY_CHARS])))


def _partial(claim: str, statement: str) -> float:
    """rapidfuzz's ratio of the shorter side against its best-aligned stretch of the longer, 0..1: high when a
    claim repeats a statement's wording (or a statement quotes a claim) even with the rest around it."""
    return fuzz.partial_ratio(claim, statement) / 100.0 if claim and statement else 0.0


def _passage(doc: IndexedStatement) -> str:
    """What the sentence model embeds for a statement: its text and its context (e.g. a fact-check headline)."""
    return f"{doc.text} {doc.context}" if doc.context else doc.text


def _unique(terms: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(terms))


class _GuildIndex:
    """One guild's tantivy index. Its writer (an indexing thread and a memory arena) is opened on the first
    change and closed at the commit after which it has been idle, so idle guilds hold only their segments."""

    __slots__ = ("df_cache", "dirty", "idle_commits", "index", "searcher", "writer")

    def __init__(self, schema: tantivy.Schema) -> None:
        self.index = tantivy.Index(schema)
        self.index.register_tokenizer(TantivyBackend.TOKENIZER, _analyzer())
        self.index.config_reader("manual")
        self.searcher = self.index.searcher()
        self.writer: tantivy.IndexWriter | None = None
        self.dirty = False
        self.idle_commits = 0
        self.df_cache: dict[str, int] = {}


class TantivyBackend:
    """BM25 candidates from in-memory tantivy indexes, one per guild (no stored fields: documents live in
    MatchIndex). A guild of its own keeps every BM25 statistic inside the guild, and a plain disjunction of the
    claim's terms lets tantivy prune with block-max WAND instead of scoring every document a term matches."""

    FIELD = "body"
    TOKENIZER = "onrecord_en"
    _IDLE_COMMITS = 8  # commits without a change before a guild's writer is closed

    def __init__(self, *, heap_size: int = 32_000_000) -> None:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field(self.FIELD, tokenizer_name=self.TOKENIZER, index_option="freq")
        builder.add_integer_field("statement_id", indexed=True, fast=True)
        builder.add_integer_field("speaker_id", indexed=True)
        builder.add_integer_field("said_on", indexed=True, fast=True)
        self._schema = builder.build()
        self._heap_size = heap_size
        self._guilds: dict[int, _GuildIndex] = {}

    def _writer(self, guild_id: int) -> tantivy.IndexWriter:
        guild = self._guilds.get(guild_id)
        if guild is None:
            guild = self._guilds[guild_id] = _GuildIndex(self._schema)
        if guild.writer is None:
            guild.writer = guild.index.writer(self._heap_size, 1)
        guild.dirty = True
        return guild.writer

    def add(self, doc: IndexedStatement) -> None:
        tdoc = tantivy.Document()
        tdoc.add_text(self.FIELD, _body(doc))
        tdoc.add_integer("statement_id", doc.statement_id)
        if doc.speaker_id is not None:
            tdoc.add_integer("speaker_id", doc.speaker_id)
        if doc.said_on is not None:
            tdoc.add_integer("said_on", doc.said_on.toordinal())
        self._writer(doc.guild_id).add_document(tdoc)

    def delete(self, guild_id: int, statement_id: int) -> None:
        if guild_id in self._guilds:
            self._writer(guild_id).delete_documents_by_term("statement_id", statement_id)

    def delete_guild(self, guild_id: int) -> None:
        guild = self._guilds.pop(guild_id, None)
        if guild is not None and guild.writer is not None:
            guild.writer.wait_merging_threads()

    def commit(self, *, release: bool = False) -> None:
        for guild in self._guilds.values():
            if guild.writer is None:
                continue
            if guild.dirty:
                guild.writer.commit()
                guild.index.reload()
                guild.searcher = guild.index.searcher()
                guild.df_cache.clear()
                guild.dirty = False
                guild.idle_commits = 0
            else:
                guild.idle_commits += 1
            if release or guild.idle_commits >= self._IDLE_COMMITS:
                guild.writer.wait_merging_threads()  # consumes the writer: its thread ends
                guild.writer = None

    def search(
        self,
        guild_id: int,
        terms: Sequence[str],
        *,
        limit: int,
        speaker_ids: Collection[int] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[tuple[int, float]]:
        guild = self._guilds.get(guild_id)
        if guild is None or not terms:
            return []
        schema = self._schema
        filters = []
        if speaker_ids is not None:
            ids = sorted(speaker_ids)
            filters.append((tantivy.Occur.Must, tantivy.Query.term_set_query(schema, "speaker_id", ids)))
        if date_from is not None or date_to is not None:
            lower = date_from.toordinal() if date_from is not None else -(2**62)
            upper = date_to.toordinal() if date_to is not None else 2**62
            rng = tantivy.Query.range_query(schema, "said_on", tantivy.FieldType.Integer, lower, upper)
            filters.append((tantivy.Occur.Must, rng))
        query = self._any_term(terms)
        if filters:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters])
        return self._hits(guild, query, limit)

    def scores_for(
        self, guild_id: int, terms: Sequence[str], statement_ids: Collection[int]
    ) -> dict[int, float]:
        guild = self._guilds.get(guild_id)
        if guild is None or not terms or not statement_ids:
            return {}
        schema = self._schema
        ids = sorted(statement_ids)
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, self._any_term(terms)),
                (tantivy.Occur.Must, tantivy.Query.term_set_query(schema, "statement_id", ids)),
            ]
        )
        return dict(self._hits(guild, query, len(ids)))

    def _any_term(self, terms: Sequence[str]) -> tantivy.Query:
        """A plain disjunction of the terms: BM25 summed over those a statement holds (block-max WAND prunes it)."""
        schema = self._schema
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, self.FIELD, t)) for t in terms]
        )

    @staticmethod
    def _hits(guild: _GuildIndex, query: tantivy.Query, limit: int) -> list[tuple[int, float]]:
        searcher = guild.searcher
        hits = searcher.search(query, limit, count=False).hits
        if not hits:
            return []
        found = searcher.fast_field_values("statement_id", [address for _, address in hits])
        return [(int(sid), float(s)) for (s, _), sid in zip(hits, found, strict=True) if sid is not None]

    def doc_freq(self, guild_id: int, term: str) -> int:
        guild = self._guilds.get(guild_id)
        if guild is None:
            return 0
        df = guild.df_cache.get(term)
        if df is None:
            df = guild.df_cache[term] = guild.searcher.doc_freq(self.FIELD, term)
        return df

    def num_docs(self, guild_id: int) -> int:
        guild = self._guilds.get(guild_id)
        return int(guild.searcher.num_docs) if guild is not None else 0


def _body(doc: IndexedStatement) -> str:
    parts = [doc.text, doc.context or "", doc.speaker_title or "", *doc.speaker_names, *doc.topics]
    return "\n".join(p for p in parts if p)


@dataclass(slots=True)
class _Candidate:
    doc: IndexedStatement
    bm25: float
    bm25_rank: float = 0.0
    dense_rank: float = 0.0
    cosine: float | None = None
    text_terms: list[str] = field(default_factory=list)
    context_terms: list[str] = field(default_factory=list)
    features: tuple[float, ...] = ()
    lexical: float = 0.0
    fuzzy: float | None = None  # set when rapidfuzz re-scored the candidate
    semantic: float | None = None
    score: float = 0.0
    logit: float = 0.0


class MatchIndex:
    """Every guild's matchable statements in one process; results never cross guilds."""

    def __init__(
        self,
        *,
        semantic: SemanticScorer | None = None,
        backend: LexicalBackend | None = None,
        weights: FusionWeights | None = None,
        candidates: int = _CANDIDATES,
        dense_candidates: int = _DENSE_CANDIDATES,
    ) -> None:
        self._semantic = semantic
        # A scorer that keeps embeddings also proposes candidates from the whole guild; a plain one re-ranks.
        self._dense = semantic.dense_store() if isinstance(semantic, DenseSemanticScorer) else None
        self._dense_candidates = dense_candidates
        self._dense_pending: dict[int, IndexedStatement] = {}
        self._backend: LexicalBackend = backend if backend is not None else TantivyBackend()
        if weights is None:
            weights = SEMANTIC_WEIGHTS if semantic is not None else FusionWeights()
        self._weights = weights
        self._candidates = candidates
        self._docs: dict[int, IndexedStatement] = {}
        self._by_guild: dict[int, set[int]] = {}
        self._dirty = False
        self._idf_cache: dict[int, dict[str, float]] = {}  # guild → term → idf
        self._lock = threading.RLock()

    # ---- writes -------------------------------------------------------------------------------------

    def add_many(self, docs: Iterable[IndexedStatement]) -> None:
        """Add or replace many statements with one commit (start-up build, imports)."""
        with self._lock:
            for doc in docs:
                self._put(doc)
            self._commit(release=True)

    def upsert(self, doc: IndexedStatement) -> None:
        """Add or replace one statement; the next search sees it."""
        with self._lock:
            self._put(doc)

    def remove(self, guild_id: int, statement_id: int) -> None:
        """Drop a statement; a statement of another guild is left alone."""
        with self._lock:
            doc = self._docs.get(statement_id)
            if doc is None or doc.guild_id != guild_id:
                return
            del self._docs[statement_id]
            self._by_guild[guild_id].discard(statement_id)
            self._backend.delete(guild_id, statement_id)
            if self._dense is not None:
                self._dense_pending.pop(statement_id, None)
                self._dense.remove(statement_id)
            self._dirty = True

    def remove_guild(self, guild_id: int) -> None:
        with self._lock:
            for statement_id in self._by_guild.pop(guild_id, set()):
                self._docs.pop(statement_id, None)
                self._dense_pending.pop(statement_id, None)
            self._backend.delete_guild(guild_id)
            if self._dense is not None:
                self._dense.remove_guild(guild_id)
            self._dirty = True

    def commit(self) -> None:
        """Make buffered changes searchable now (search also does this lazily)."""
        with self._lock:
            self._commit()

    def _put(self, doc: IndexedStatement) -> None:
        old = self._docs.get(doc.statement_id)
        if old is not None:
            self._backend.delete(old.guild_id, doc.statement_id)
            self._by_guild[old.guild_id].discard(doc.statement_id)
        self._docs[doc.statement_id] = doc
        self._by_guild.setdefault(doc.guild_id, set()).add(doc.statement_id)
        self._backend.add(doc)
        if self._dense is not None:
            if old is not None and old.guild_id != doc.guild_id:
                self._dense.remove(doc.statement_id)
            self._dense_pending[doc.statement_id] = doc
        self._dirty = True

    def _commit(self, *, release: bool = False) -> None:
        if self._dirty:
            self._backend.commit(release=release)
            self._dirty = False
            self._idf_cache.clear()
        if self._dense is not None and self._dense_pending:
            pending = list(self._dense_pending.values())
            self._dense_pending.clear()
            self._dense.put([(d.guild_id, d.statement_id, _passage(d)) for d in pending])

    def __len__(self) -> int:
        return len(self._docs)

    # ---- reads --------------------------------------------------------------------------------------

    def search(
        self,
        guild_id: int,
        query: str,
        *,
        limit: int = 5,
        speaker_ids: Collection[int] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[MatchResult]:
        """Best statements of ``guild_id`` for a claim, best first, each with a 0..100 score."""
        if limit <= 0:
            return []
        with self._lock:
            self._commit()
            query_terms = self._query_terms(guild_id, query)
            if not query_terms:
                return []
            candidates = self._candidates_for(
                guild_id,
                query,
                query_terms,
                max(self._candidates, limit),
                speaker_ids=speaker_ids,
                date_from=date_from,
                date_to=date_to,
            )
            if not candidates:
                return []
            self._score(query, query_terms, candidates, rescore=max(_RESCORED, limit))
        candidates.sort(key=_rank_key)
        return [self._result(c, query_terms) for c in candidates[:limit]]

    def _candidates_for(
        self,
        guild_id: int,
        query: str,
        query_terms: list[str],
        limit: int,
        *,
        speaker_ids: Collection[int] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[_Candidate]:
        """BM25's top ``limit`` and, with a dense store, the nearest embeddings of the guild (same filters)."""
        hits = self._backend.search(
            guild_id, query_terms, limit=limit, speaker_ids=speaker_ids, date_from=date_from, date_to=date_to
        )
        candidates = [
            _Candidate(doc, bm25)
            for sid, bm25 in hits
            if (doc := self._docs.get(sid)) is not None and doc.guild_id == guild_id
        ]
        # Equal BM25 is the same evidence (often the same claim recorded twice): rank those as search breaks
        # ties, the more recent statement first, then the one recorded first.
        candidates.sort(key=lambda c: (-c.bm25, *_recency_key(c.doc)))
        for rank, c in enumerate(candidates):
            c.bm25_rank = 1.0 / (1 + rank)
        if self._dense is None:
            return candidates
        by_id = {c.doc.statement_id: c for c in candidates}
        nearest, cosines = self._dense.search(
            guild_id, _semantic_query(query), limit=self._dense_candidates, also=by_id.keys()
        )
        extra: list[_Candidate] = []
        for rank, sid in enumerate(nearest):
            found = by_id.get(sid)
            if found is None:
                doc = self._docs.get(sid)
                if doc is None or not _passes(doc, guild_id, speaker_ids, date_from, date_to):
                    continue
                found = by_id[sid] = _Candidate(doc, 0.0)
                extra.append(found)
            found.dense_rank = 1.0 / (1 + rank)
        if extra:  # their BM25, which may be above 0 just below BM25's cut
            bm25 = self._backend.scores_for(guild_id, query_terms, [c.doc.statement_id for c in extra])
            for c in extra:
                c.bm25 = bm25.get(c.doc.statement_id, 0.0)
        candidates.extend(extra)
        for c in candidates:
            c.cosine = cosines.get(c.doc.statement_id, 0.0)
        return candidates

    def features_for(self, guild_id: int, query: str, limit: int) -> list[tuple[int, tuple[float, ...]]]:
        """The candidates ``search`` would score, with their feature vectors (for fitting ``FusionWeights``).

        Features: (bm25 / larger self-score, query coverage, statement coverage, token-set, partial, speaker
        named, semantic, bm25 / query self-score, 1 / (1 + BM25 rank), 1 / (1 + dense rank))."""
        with self._lock:
            self._commit()
            query_terms = self._query_terms(guild_id, query)
            candidates = self._candidates_for(guild_id, query, query_terms, limit) if query_terms else []
            if candidates:
                self._score(query, query_terms, candidates)
        return [(c.doc.statement_id, c.features) for c in candidates]

    def _query_terms(self, guild_id: int, query: str) -> list[str]:
        """The claim's index terms, plus the words of any all-lowercase tag the index knows ("#fyrefestival")."""
        cleaned = clean_query(query)
        terms = analyze(cleaned)
        for tag in _LOWER_TAG.findall(cleaned):
            words = self._segment(guild_id, tag)
            if words:
                terms.extend(analyze(" ".join(words)))
        return _unique(terms)[:_MAX_QUERY_TERMS]

    def _segment(self, guild_id: int, tag: str) -> list[str] | None:
        """Split a run-together tag into the fewest words the guild's statements use (or stop words).

        A tag that is itself an indexed word stays whole, and so does one with no full split (None)."""
        whole = analyze(tag)
        if not whole or self._backend.doc_freq(guild_id, whole[0]) > 0:
            return None
        known: dict[str, bool] = {}

        def is_word(piece: str) -> bool:
            if piece not in known:
                terms = analyze(piece)
                known[piece] = not terms or (
                    len(terms) == 1 and self._backend.doc_freq(guild_id, terms[0]) > 0
                )
            return known[piece]

        # best[i]: the fewest pieces that cover tag[:i], or None.
        best: list[list[str] | None] = [[]] + [None] * len(tag)
        for end in range(2, len(tag) + 1):
            for start in range(max(0, end - _MAX_SEGMENT), end - 1):
                head = best[start]
                if head is None or not is_word(tag[start:end]):
                    continue
                current = best[end]
                if current is None or len(head) + 1 < len(current):
                    best[end] = [*head, tag[start:end]]
        words = best[len(tag)]
        if words is None or len(words) < 2 or not any(analyze(w) for w in words):
            return None
        return words

    def _score(
        self, query: str, query_terms: list[str], candidates: list[_Candidate], *, rescore: int | None = None
    ) -> None:
        """Features, logit and score of every candidate. rapidfuzz (the slowest feature, ~30 µs a statement)
        re-scores only the ``rescore`` best by the other features (all of them when None); the rest keep 0."""
        w = self._weights
        analysed = []
        for c in candidates:
            doc = c.doc
            c.text_terms = _unique(analyze(doc.text))
            c.context_terms = context_terms = _unique(analyze(doc.context)) if doc.context else []
            extras = _body_extras(doc)
            analysed.append((context_terms, set(analyze(extras)) if extras else set()))
        idf = self._idf_for(candidates[0].doc.guild_id, query_terms, candidates, analysed)
        query_set = set(query_terms)
        sayers = _sayer_terms(query)
        query_weight = sum(idf[t] for t in query_terms)
        semantic = self._semantic_scores(query, candidates)
        for i, (c, (context_terms, extra_terms)) in enumerate(zip(candidates, analysed, strict=True)):
            text_terms = c.text_terms
            speaker_hit = 1.0 if _names_speaker(sayers, c.doc.speaker_names) else 0.0
            doc_terms = set(text_terms).union(context_terms)
            doc_all = doc_terms | extra_terms
            q_cov = (
                sum(idf[t] for t in query_terms if t in doc_all) / query_weight if query_weight > 0 else 0.0
            )
            s_cov = max(_coverage(text_terms, query_set, idf), _coverage(context_terms, query_set, idf))
            # BM25 over the larger self-score of the two sides: ~1 only when each side covers the other.
            norm = max(query_weight, sum(idf[t] for t in doc_terms))
            bm25 = min(c.bm25 / norm, 2.0) if norm > 0 else 0.0
            # Two decimals: finer differences are model noise (e.g. the same claim with other quote marks).
            sem = round(semantic[i], 2) if semantic is not None else 0.0
            bm25_query = min(c.bm25 / query_weight, 2.0) if query_weight > 0 else 0.0
            c.features = (
                bm25,
                q_cov,
                s_cov,
                0.0,
                0.0,
                speaker_hit,
                sem,
                bm25_query,
                c.bm25_rank,
                c.dense_rank,
            )
            c.logit = (
                w.bias
                + w.query_coverage * q_cov
                + w.statement_coverage * s_cov
                + w.bm25 * bm25
                + w.speaker * speaker_hit
                + w.semantic * sem
                + w.bm25_query * bm25_query
                + w.bm25_rank * c.bm25_rank
                + w.dense_rank * c.dense_rank
            )
            c.lexical = 100.0 * (q_cov + s_cov) / 2.0
            c.semantic = 100.0 * max(0.0, sem) if semantic is not None else None
        chosen = sorted(candidates, key=_rank_key)[:rescore] if rescore is not None else candidates
        query_string = " ".join(query_terms)
        claim_words = utils.default_process(_claim_words(query))
        for c in chosen:
            token_set = self._token_set(c, query_string)
            partial = _partial(claim_words, utils.default_process(c.doc.text))
            f = c.features
            c.features = (*f[:3], token_set, partial, *f[5:])
            c.logit += w.token_set * token_set + w.partial * partial
        top = _TOPIC_CAPS.get(len(query_terms), 100.0)
        for c in candidates:
            c.score = top / (1.0 + math.exp(-max(-50.0, min(50.0, c.logit))))

    @staticmethod
    def _token_set(c: _Candidate, query_string: str) -> float:
        """rapidfuzz's token-set ratio of the analysed terms (text or context), 0..1; kept as the fuzzy score."""
        token_set = fuzz.token_set_ratio(query_string, " ".join(c.text_terms)) / 100.0
        if c.context_terms:
            token_set = max(token_set, fuzz.token_set_ratio(query_string, " ".join(c.context_terms)) / 100.0)
        c.fuzzy = 100.0 * token_set
        return token_set

    def _idf_for(
        self,
        guild_id: int,
        query_terms: list[str],
        candidates: list[_Candidate],
        analysed: list[tuple[list[str], set[str]]],
    ) -> dict[str, float]:
        """The idf of every term in play, from a cache that each commit invalidates."""
        cache = self._idf_cache.setdefault(guild_id, {})
        if len(cache) > _IDF_CACHE_MAX:
            cache.clear()
        terms = set(query_terms)
        for c, (context_terms, _) in zip(candidates, analysed, strict=True):
            terms.update(c.text_terms)
            terms.update(context_terms)
        missing = [t for t in terms if t not in cache]
        if missing:
            n = max(self._backend.num_docs(guild_id), 1)
            for t in missing:
                df = self._backend.doc_freq(guild_id, t)
                cache[t] = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        return cache

    def _semantic_scores(self, query: str, candidates: list[_Candidate]) -> list[float] | None:
        if self._semantic is None:
            return None
        if self._dense is not None:  # cosines came with the dense candidates
            return [c.cosine if c.cosine is not None else 0.0 for c in candidates]
        return self._semantic.similarities(_semantic_query(query), [_passage(c.doc) for c in candidates])

    def _result(self, c: _Candidate, query_terms: list[str]) -> MatchResult:
        if c.fuzzy is None:
            self._token_set(c, " ".join(query_terms))
        return MatchResult(
            statement_id=c.doc.statement_id,
            number=c.doc.number,
            score=round(c.score, 2),
            highlights=highlight_spans(c.doc.text, set(query_terms)),
            lexical_score=round(c.lexical, 2),
            fuzzy_score=round(c.fuzzy or 0.0, 2),
            semantic_score=None if c.semantic is None else round(c.semantic, 2),
        )


def _passes(
    doc: IndexedStatement,
    guild_id: int,
    speaker_ids: Collection[int] | None,
    date_from: date | None,
    date_to: date | None,
) -> bool:
    """The search filters, applied to a dense candidate the way the lexical backend applies them."""
    if doc.guild_id != guild_id:
        return False
    if speaker_ids is not None and doc.speaker_id not in speaker_ids:
        return False
    if date_from is not None or date_to is not None:
        if doc.said_on is None:
            return False
        if (date_from is not None and doc.said_on < date_from) or (
            date_to is not None and doc.said_on > date_to
        ):
            return False
    return True


def _coverage(terms: Sequence[str], other: set[str], idf: dict[str, float]) -> float:
    total = sum(idf[t] for t in terms)
    if total <= 0:
        return 0.0
    return sum(idf[t] for t in terms if t in other) / total


def _body_extras(doc: IndexedStatement) -> str:
    return "\n".join([doc.speaker_title or "", *doc.speaker_names, *doc.topics])


def _sayer_terms(query: str) -> set[str]:
    """The analysed words of whoever the claim says is speaking: "Biden said", "said Biden", "according to
    Biden", "Biden: ...", "Biden's claim", a post's signature. A person the claim is merely about ("Clinton
    wants to raise taxes", said by someone else) is left out, so their own statements get no boost."""
    text = _URL.sub(" ", query[:_MAX_QUERY_CHARS])
    found: set[str] = set()
    for pattern in _SAYER_PATTERNS:
        for m in pattern.finditer(text):
            found.update(analyze(m.group("who")))
    return found


def _names_speaker(query_terms: set[str], names: Sequence[str]) -> bool:
    """True when the terms name the speaker: a whole name or alias, or the surname of a full name."""
    for name in names:
        terms = analyze(name)
        if terms and all(t in query_terms for t in terms):
            return True
        if len(terms) > 1 and len(terms[-1]) > 2 and terms[-1] in query_terms:
            return True
    return False


def _recency_key(doc: IndexedStatement) -> tuple[int, int]:
    said = doc.said_on.toordinal() if doc.said_on is not None else 0
    return (-said, doc.statement_id)


def _rank_key(c: _Candidate) -> tuple[float, int, int]:
    # Rank on the logit (the rounded 0..100 score saturates near 0 and 100); equal logits mean the same
    # evidence, so the more recent statement wins, then the one recorded first (the original of a re-post).
    return (-round(c.logit, 6), *_recency_key(c.doc))


def highlight_spans(text: str, query_terms: Collection[str]) -> tuple[tuple[int, int], ...]:
    """Char spans ``[start, end)`` of the words in ``text`` whose analysed form is a query term."""
    wanted = set(query_terms)
    spans: list[tuple[int, int]] = []
    for token in _analyzer().pre_tokenize(text).tokens:
        if token.text in wanted:
            start, end = token.char_offset_from, token.char_offset_to
            if spans and spans[-1][1] == start:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return tuple(spans)
