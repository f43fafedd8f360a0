"""Which writing systems a name uses, and splitting a name into runs of one script.

Script detection uses rigour's ICU4X-backed ``text_scripts`` (fast, Rust) for the public
``detect_scripts``. For the hot path (``script_runs``) we only need to know whether a character is
Hangul, Han, or something else, which simple code-point ranges answer faster than a Unicode lookup.
"""

from __future__ import annotations

import re

from rigour.text.scripts import text_scripts

__all__ = ["detect_scripts", "is_hangul", "is_han", "has_hangul", "has_han", "script_runs"]

HANGUL = "Hangul"
HAN = "Han"
OTHER = "Other"

# Hangul syllables, Jamo, compatibility Jamo, Jamo extended A/B.
_HANGUL_RANGES = ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))
# CJK unified ideographs (+ extension A, compatibility ideographs, extensions B-F in plane 2).
_HAN_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF), (0x3007, 0x3007))


_HANGUL_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HANGUL_RANGES) + "]")
_HAN_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _HAN_RANGES) + "]")


def is_hangul(char: str) -> bool:
    return _HANGUL_RE.match(char) is not None


def is_han(char: str) -> bool:
    return _HAN_RE.match(char) is not None


def has_hangul(text: str) -> bool:
    return not text.isascii() and _HANGUL_RE.search(text) is not None


def has_han(text: str) -> bool:
    return not text.isascii() and _HAN_RE.search(text) is not None


def detect_scripts(text: str | None) -> set[str]:
    """Real scripts used in ``text`` ("Latin", "Hangul", "Han", "Cyrillic", ...); empty for junk.

    Digits, punctuation and combining marks do not count as a script.
    """
    if not text:
        return set()
    try:
        return set(text_scripts(text))
    except Exception:  # pragma: no cover - defensive: never raise on odd code points
        return set()


def _kind(char: str) -> str:
    if char.isascii():
        return OTHER
    if is_hangul(char):
        return HANGUL
    if is_han(char):
        return HAN
    return OTHER


def script_runs(text: str) -> list[tuple[str, str]]:
    """Split text into maximal runs of (kind, text) where kind is "Hangul", "Han" or "Other".

    Spaces and punctuation stay in the run they occur in so that callers see word boundaries.
    """
    runs: list[tuple[str, str]] = []
    if not text:
        return runs
    cur_kind = _kind(text[0])
    start = 0
    for i, char in enumerate(text):
        kind = _kind(char)
        if kind != cur_kind:
            # Neutral characters (space, punctuation) do not open a new run.
            if kind == OTHER and not char.isalnum():
                continue
            runs.append((cur_kind, text[start:i]))
            cur_kind, start = kind, i
    runs.append((cur_kind, text[start:]))
    return runs
