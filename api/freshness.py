"""Which store generation the service serves, and answers cached per generation.

Another process (`fundkg build`, a second service) may write the store while the service runs. Its
query workers opened the store read-only, which is a snapshot: they would keep serving the old data.
`StoreWatch` notices the change and reads the new generation (the number every write counts up,
kg.store); the pool then renews workers older than it and the cache drops answers of older
generations. For a local store the files tell cheaply that something changed — every commit appends
to RocksDB's write-ahead log (*.log) or its MANIFEST, or adds or removes files (which changes the
directory's mtime) — so those few files are looked at on every request (a few stat calls), the
directory is listed only when it changed, and the generation itself is read only when any of that
differs. A remote store is asked for its generation at most every `interval` seconds.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

_IGNORED = ("LOG", "LOCK")  # RocksDB's info log and lock file change without any data changing


def _appended(name: str) -> bool:
    """Files RocksDB appends to in place: the write-ahead log and the MANIFEST."""
    return name.endswith(".log") or name.startswith("MANIFEST-")


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.startswith(_IGNORED):
                continue
            try:
                st = entry.stat()
            except FileNotFoundError:  # deleted by a compaction while listed
                continue
            entries.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(entries))


class _Files:
    """A cheap fingerprint of a store folder: its mtime and the size and mtime of its appended files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._dir_mtime = -1
        self._watched: list[str] = []

    def fingerprint(self) -> tuple[Any, ...]:
        mtime = os.stat(self.folder).st_mtime_ns
        if mtime != self._dir_mtime:  # files came or went: list them again
            self._dir_mtime = mtime
            self._watched = [name for name, _, _ in _signature(self.folder) if _appended(name)]
        parts: list[Any] = [mtime]
        for name in self._watched:
            try:
                st = os.stat(self.folder / name)
            except FileNotFoundError:  # removed since the listing: the directory mtime changed too
                parts.append((name, -1, -1))
                continue
            parts.append((name, st.st_size, st.st_mtime_ns))
        return tuple(parts)


def local_generation(path: Path) -> int:
    """The generation of a local store, from a short read-only open (which sees the latest commit)."""
    from kg.store import open_store

    store = open_store(path, read_only=True)
    try:
        return store.generation()
    finally:
        store.close()


class StoreWatch:
    """`generation()`: the store's current generation, noticed whoever wrote it."""

    def __init__(self, store_path: Path | str, read_remote: Callable[[], int] | None = None, interval: float = 1.0):
        self.path = store_path if isinstance(store_path, Path) else None
        self._files = _Files(self.path) if self.path is not None else None
        self.read_remote = read_remote  # for a remote store: asks the store (through a query worker)
        self.interval = interval
        self._lock = threading.Lock()
        self._signature: tuple[Any, ...] | None = None
        self._generation = 0
        self._checked = 0.0

    def generation(self) -> int:
        with self._lock:
            if self.path is not None and self._files is not None:
                signature = self._files.fingerprint()
                if signature != self._signature:
                    # Listed before the read: a commit in between changes the files again, and the
                    # next call reads again, so a newer generation is never missed.
                    try:
                        self._generation = max(self._generation, local_generation(self.path))
                    except Exception:  # a writer mid-compaction: keep serving, read again next time
                        return self._generation
                    self._signature = signature
            elif self.read_remote is not None and time.monotonic() - self._checked >= self.interval:
                self._checked = time.monotonic()
                self._generation = max(self._generation, self.read_remote())
            return self._generation

    def saw(self, generation: int) -> None:
        """A write of the service's own left `generation`."""
        with self._lock:
            self._generation = max(self._generation, generation)


class ResultCache:
    """Answers of the workers by request, for one generation at a time; least recently used go first.

    Every answer is cached, parameter-free or not: the key is the whole request (the bound query
    text), and a store change (a new generation) empties the cache. Large answers are not kept.
    """

    def __init__(
        self, entries: int = 512, max_rows: int = 20_000, max_bytes: int = 4 * 2**20, total_rows: int = 200_000
    ) -> None:
        self.entries = entries
        self.max_rows = max_rows  # an answer larger than this is not kept
        self.max_bytes = max_bytes
        self.total_rows = total_rows  # rows (or list items) kept in all: bounds the memory the cache holds
        self._rows = 0
        self._sizes: dict[str, int] = {}
        self._lock = threading.Lock()
        self._generation = -1
        self._items: OrderedDict[str, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(request: dict[str, Any]) -> str:
        return json.dumps(request, sort_keys=True, ensure_ascii=False, default=str)

    def get(self, generation: int, key: str) -> Any | None:
        with self._lock:
            if generation != self._generation:
                self._items.clear()
                self._sizes.clear()
                self._rows = 0
                self._generation = generation
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def derived(self, generation: int, key: str, compute: Callable[[], Any]) -> Any:
        """A value made from answers (a page's list, say), computed once per generation."""
        key = "derived:" + key
        value = self.get(generation, key)
        if value is None:
            value = compute()
            self.put(generation, key, value)
        return value

    def put(self, generation: int, key: str, value: Any) -> None:
        if self.entries <= 0 or not self._small(value):
            return
        with self._lock:
            if generation != self._generation:
                return  # the store moved on while the query ran: the answer may be of either
            self._rows -= self._sizes.pop(key, 0)
            self._items[key] = value
            self._items.move_to_end(key)
            self._sizes[key] = size = self._size(value)
            self._rows += size
            while len(self._items) > self.entries or (self._rows > self.total_rows and len(self._items) > 1):
                old, _ = self._items.popitem(last=False)
                self._rows -= self._sizes.pop(old, 0)

    @staticmethod
    def _size(value: Any) -> int:
        if isinstance(value, list):
            return len(value)
        if isinstance(value, dict):
            return 1 + len(value.get("rows", ())) + len(value.get("links", ())) + len(value.get("data") or b"") // 200
        return 1

    def _small(self, value: Any) -> bool:
        if isinstance(value, list):
            return len(value) <= self.max_rows
        if isinstance(value, dict):
            if len(value.get("rows", ())) > self.max_rows:
                return False
            data = value.get("data")
            if isinstance(data, (bytes, str)) and len(data) > self.max_bytes:
                return False
            if len(value.get("links", ())) > self.max_rows:
                return False
        return True
