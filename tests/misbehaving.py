"""A report task for the pool tests: reports named *hang* never finish, *hog* take all memory."""

from __future__ import annotations

import time
from pathlib import Path

from kg.parallel import prepare_serialised


def task(path: str, max_bytes: int):  # type: ignore[no-untyped-def]
    name = Path(path).name
    if "hang" in name:
        time.sleep(3600)
    if "hog" in name:
        return bytearray(64 * 1024**3)  # 64 GiB, far past the limit: refused at once
    if "crash" in name:
        import os
        import signal

        os.kill(os.getpid(), signal.SIGSEGV)
    return prepare_serialised(path, max_bytes)
