"""Word 97–2003 reports (.doc), read through Debian's `antiword`.

antiword writes the document as UTF-8 text, tables as pipe rows (`|项目 |预算数 |`), which the
plain-text reader then reads like any text export: paragraphs, and tables rebuilt from the pipes.
Without antiword a .doc cannot be read: the error says which program to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from kg.document import Document, DocumentBuilder
from kg.errors import CorruptFileError, EncryptedFileError, MissingToolError
from kg.normalize import is_traditional, normalise_text
from kg.readers.text import add_lines, check_raw

MEDIA_TYPE = "application/msword"
TIMEOUT_SECONDS = 60
_INSTALL = "install antiword (Debian/Ubuntu: apt-get install antiword) to read Word 97-2003 .doc files"


def antiword_text(path: Path, data: bytes) -> str:
    tool = shutil.which("antiword")
    if tool is None:
        raise MissingToolError(path, _INSTALL)
    with tempfile.NamedTemporaryFile(suffix=".doc") as copy:  # the bytes already read, not the path again
        copy.write(data)
        copy.flush()
        try:
            done = subprocess.run(
                [tool, "-w", "0", "-m", "UTF-8.txt", copy.name],
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise CorruptFileError(path, f"antiword did not finish within {TIMEOUT_SECONDS} s") from exc
    # antiword names the temporary copy it read: name the report instead.
    message = done.stderr.decode("utf-8", "replace").replace(copy.name, path.name).strip().splitlines()
    if done.returncode != 0:
        detail = message[-1] if message else f"antiword exited with {done.returncode}"
        if "encrypt" in detail.lower() or "password" in detail.lower():
            raise EncryptedFileError(path, detail)
        raise CorruptFileError(path, f"antiword cannot read it: {detail}")
    return done.stdout.decode("utf-8", "replace")


def read(path: Path, data: bytes, sha256: str) -> Document:
    raw = antiword_text(path, data)
    check_raw(path, raw)
    traditional = is_traditional(raw)
    normalised = normalise_text(raw, traditional=traditional)
    builder = DocumentBuilder(normalised)
    add_lines(builder, normalised.text, layouts=True)
    return builder.build(path, MEDIA_TYPE, sha256, encoding="utf-8", converted_from_traditional=traditional)
