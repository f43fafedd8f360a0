"""Reading user text files whose encoding is not known: UTF-8, GB18030, UTF-16, with or without BOM.

Shared by the input readers (shipments, party files). Each physical line is decoded on its own
(UTF-8 first, then GB18030, else Latin-1, reported), so a file that mixes encodings is still read
and a bad line costs only that line. UTF-16 needs a byte-order mark. :func:`looks_binary` tells a
binary file from text by its first bytes, so readers can refuse it with a short message instead of
echoing thousands of garbage characters.
"""

from __future__ import annotations

import codecs
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from interdict.exc import InvalidInput, ProblemLog

__all__ = ["LineDecoder", "open_binary", "utf16_lines", "has_utf16_bom", "looks_binary", "excerpt"]


def open_binary(path: Path) -> IO[bytes]:
    """The file opened for reading bytes (``.gz`` decompressed); a one-line :class:`InvalidInput` if it cannot be."""
    try:
        if path.suffix.lower() == ".gz":
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return open(path, "rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc


class LineDecoder:
    """Decodes each physical line on its own: UTF-8, else GB18030, else Latin-1 (reported).

    ``line`` is the number of the last line read (1-based), ``gb18030_lines`` and ``bad_lines``
    count the lines that were not UTF-8; problems go to ``problems`` with their line numbers.
    """

    def __init__(self, raw: IO[bytes], problems: ProblemLog, file: str) -> None:
        self.raw = raw
        self.problems = problems
        self.file = file
        self.line = 0
        self.gb18030_lines = 0
        self.bad_lines = 0

    def __iter__(self) -> Iterator[str]:
        first = True
        for chunk in self.raw:
            self.line += 1
            if first:
                first = False
                if chunk.startswith(codecs.BOM_UTF8):
                    chunk = chunk[len(codecs.BOM_UTF8):]
            if b"\x00" in chunk:
                chunk = chunk.replace(b"\x00", b" ")  # a space: NUL between two words must not glue them
                self.problems.add("NUL bytes replaced by spaces", file=self.file, line=self.line)
            try:
                yield chunk.decode("utf-8")
                continue
            except UnicodeDecodeError:
                pass
            try:
                text = chunk.decode("gb18030")
                self.gb18030_lines += 1
                yield text
                continue
            except UnicodeDecodeError:
                pass
            self.bad_lines += 1
            self.problems.add("line is neither UTF-8 nor GB18030; read as Latin-1", file=self.file, line=self.line)
            yield chunk.decode("latin-1")


def has_utf16_bom(head: bytes) -> bool:
    return head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def utf16_lines(raw: IO[bytes]) -> Iterator[str]:
    """Lines of a UTF-16 file with a BOM (line endings kept; undecodable bytes become U+FFFD)."""
    yield from io.TextIOWrapper(raw, encoding="utf-16", errors="replace", newline="")


def looks_binary(head: bytes) -> bool:
    """True when the first bytes are not text: more than 5% control bytes (NUL included), no UTF-16 BOM.

    A stray NUL or escape in a text row is not enough (the line decoder removes and reports it).
    """
    if not head or has_utf16_bom(head):
        return False
    sample = head[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 20)


def excerpt(text: object, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for echoing user input in messages."""
    s = str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"
