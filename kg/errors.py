"""Errors raised for bad input. Each names the file and the problem, so a batch can report and skip."""

from __future__ import annotations

import traceback
from pathlib import Path


def shown(path: Path | str) -> str:
    """A path as text any terminal or encoder takes: bytes of a name that are not UTF-8 (which Python
    keeps as lone surrogates) written as \\xNN, so the same name always reads the same."""
    text = str(path)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # surrogates that stand for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class FundKGError(Exception):
    """Base class of every error FundKG raises on purpose."""


class ReportError(FundKGError):
    """A report file could not be turned into records; the message names the file."""

    problem = "cannot be read"

    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = Path(path)
        self.detail = detail
        message = f"{shown(self.path)}: {self.problem}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class UnsupportedFormatError(ReportError):
    problem = "unsupported file type"


class EmptyFileError(ReportError):
    problem = "file is empty or holds no text"


class CorruptFileError(ReportError):
    problem = "file is corrupt or not of the type its name says"


class EncryptedFileError(ReportError):
    problem = "file is encrypted or password-protected"


class FileTooLargeError(ReportError):
    problem = "file is larger than the configured limit"


class MissingToolError(ReportError):
    problem = "needs a program that is not installed"


class EncodingError(ReportError):
    problem = "text encoding could not be determined"


class UnexpectedError(ReportError):
    """A report failed in a way no reader or extractor names: a bug, caught so that the batch goes on."""

    problem = "failed unexpectedly (a bug in FundKG; please report it with the file)"


class QueryError(FundKGError):
    """A named query is missing, malformed, or was given bad parameters."""


def where_raised(exc: BaseException) -> str:
    """The innermost frame of FundKG's own code in an exception's traceback: kg/extract/x.py:123 in f."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/kg/" in f.filename or "/api/" in f.filename]
    if not frames:
        return ""
    frame = frames[-1]
    path = frame.filename[frame.filename.rfind("/kg/") + 1 :] if "/kg/" in frame.filename else frame.filename
    return f"{path}:{frame.lineno} in {frame.name}"


def error_text(exc: BaseException) -> str:
    """An exception as one line: its type and message."""
    return "".join(traceback.format_exception_only(type(exc), exc)).strip().replace("\n", " ")



def unexpected(path: Path | str, exc: BaseException, stage: str = "") -> UnexpectedError:
    """An error no reader or extractor names, as the report's failure: its type, message and where."""
    where = where_raised(exc)
    detail = (f"{stage}: " if stage else "") + error_text(exc) + (f" at {where}" if where else "")
    return UnexpectedError(path, detail)
