"""Turn Latin-script (or transliterated) text into lower-case ASCII name tokens.

Rules, in order:

- control and format characters become spaces; input longer than ``MAX_NAME_CHARS`` is cut;
- NFKC folds full-width letters and ligatures; accents and the McCune–Reischauer breves are
  dropped (``Chŏng`` -> ``chong``);
- apostrophes of every kind (``'`` ``’`` ``ʼ`` ``ʻ`` `````) are removed inside words, so the MR
  aspiration mark and OFAC's ``CHO'N`` style both become plain ``chon``;
- ``&`` becomes ``and``; full stops are deleted (``S.A.`` -> ``sa``, ``Co.,Ltd.`` -> ``co ltd``);
- every other non-alphanumeric character separates tokens (hyphens included: ``Jong-un`` ->
  ``jong un``).

Scripts that are neither Latin, Hangul nor Han are transliterated through rigour's
``ascii_text`` (ICU-quality for Cyrillic, Greek, Armenian, Georgian; normality/ICU for the rest).
Hangul and Han are handled by :mod:`interdict.names.korean` and :mod:`interdict.names.chinese`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rigour.text.translit import ascii_text

__all__ = ["MAX_NAME_CHARS", "clean_text", "latin_tokens", "fold_ascii"]

#: Longer input is cut: no real name on any list is longer than ~250 characters.
MAX_NAME_CHARS = 400

_APOSTROPHES = "'`´ʼʻ’‘‛′ʹ˘\u0306"
_APOS_RE = re.compile("[" + re.escape(_APOSTROPHES) + "]")
_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_DOT_DIGIT_RE = re.compile(r"\.(?=[0-9])")
_DOT_RE = re.compile(r"\.")


def clean_text(text: object) -> str:
    """Make any input a bounded, printable string ("" for non-strings and junk)."""
    if not isinstance(text, str) or not text:
        return ""
    if len(text) > MAX_NAME_CHARS * 4:
        text = text[: MAX_NAME_CHARS * 4]
    if not text.isascii() or not text.isprintable():
        chars = []
        for char in text:
            cat = unicodedata.category(char)
            if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
                # Soft hyphen, zero-width joiners and BOMs glue words; other controls split them.
                chars.append("" if cat == "Cf" else " ")
            else:
                chars.append(char)
        text = "".join(chars)
    text = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    text = " ".join(text.split())
    if len(text) > MAX_NAME_CHARS:
        text = (
            text[:MAX_NAME_CHARS].rsplit(" ", 1)[0] if " " in text[:MAX_NAME_CHARS] else text[:MAX_NAME_CHARS]
        )
    return text


@lru_cache(maxsize=50_000)
def fold_ascii(text: str) -> str:
    """Lower-case ASCII transliteration of Latin/Cyrillic/... text (accents and breves dropped)."""
    text = _APOS_RE.sub("", text)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        text = _APOS_RE.sub("", text)
        if not text.isascii():
            try:
                text = ascii_text(text)
            except Exception:  # pragma: no cover - defensive: transliterators must never break screening
                text = text.encode("ascii", "ignore").decode("ascii")
            text = _APOS_RE.sub("", text)
    return text.lower()


@lru_cache(maxsize=100_000)
def latin_tokens(text: str) -> tuple[str, ...]:
    """Lower-case ASCII tokens of a (non-Hangul, non-Han) piece of text; () for junk."""
    if not text:
        return ()
    if text.isascii():
        low = text.lower()
        if "'" in low or "`" in low:
            low = _APOS_RE.sub("", low)
    else:
        low = fold_ascii(text)
    if "&" in low:
        if not any(c.isalnum() for c in low):
            return ()
        low = low.replace("&", " and ")
    if "." in low:
        low = _DOT_RE.sub("", _DOT_DIGIT_RE.sub(" ", low))
    return tuple(t for t in _SPLIT_RE.split(low) if t)
