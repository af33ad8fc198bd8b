"""Hash of a file's bytes: the one streaming reader every checksum, cache key and manifest uses.

    file_hexdigest(path)                  # sha256 hex of the file's bytes
    file_hexdigest(path, "md5")           # any hashlib algorithm
    feed_file(h, path, sink=fo.write)     # stream into an existing hash object (and, e.g., copy on the way)

Callers truncate the hex digest where they need a short key; hashes of in-memory strings stay with them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

CHUNK_BYTES = 1 << 22  # read size (the digest does not depend on it)


def feed_file(h, path: str | Path, sink: Callable[[bytes], object] | None = None):
    """Stream the bytes of ``path`` into the hashlib object ``h`` (each chunk also goes to ``sink``); returns h."""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            h.update(chunk)
            if sink is not None:
                sink(chunk)
    return h


def file_hexdigest(path: str | Path, algo: str = "sha256") -> str:
    """Hex digest of the bytes of ``path`` with hashlib algorithm ``algo``."""
    return feed_file(hashlib.new(algo), path).hexdigest()
