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

Cyrillic is transliterated by a table (BGN/PCGN-like, as OFAC and the UN write Russian names);
other scripts that are neither Latin, Hangul nor Han go through PyICU via ``normality``.
Hangul and Han are handled by :mod:`interdict.names.korean` and :mod:`interdict.names.chinese`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["MAX_NAME_CHARS", "clean_text", "strip_controls", "latin_tokens", "fold_ascii"]

#: Longer input is cut: no real name on any list is longer than ~250 characters.
MAX_NAME_CHARS = 400

_APOSTROPHES = "'`´ʼʻ’‘‛′ʹ˘\u0306"
_APOS_RE = re.compile("[" + re.escape(_APOSTROPHES) + "]")
_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_DOT_DIGIT_RE = re.compile(r"\.(?=[0-9])")
_DOT_RE = re.compile(r"\.")


# Terminal escape sequences (CSI such as ``ESC[31m``, OSC ``ESC]...BEL``, two-byte ``ESC x``) are
# removed whole: replacing only the ESC would leave ``[31m`` as a word of the name.
_ANSI_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -~]?"
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> tuple[str, bool]:
    """``text`` without terminal escape sequences (removed whole) and with other C0/C1 control
    characters as spaces; and whether anything was removed (tabs and newlines are plain spaces and
    do not count).

    >>> strip_controls("Kim\x00Jong\x07Un\x1b[31m")
    ('Kim Jong Un', True)
    """
    changed = False
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI_RE.sub("", text)
        changed = True
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub(" ", text)
        changed = True
    if changed or "\t" in text or "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text, changed


def clean_text(text: object) -> str:
    """Make any input a bounded, printable string ("" for non-strings and junk)."""
    if not isinstance(text, str) or not text:
        return ""
    if len(text) > MAX_NAME_CHARS * 4:
        text = text[: MAX_NAME_CHARS * 4]
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI_RE.sub("", text)
    if not text.isprintable():
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


# Cyrillic to Latin as OFAC and the UN write Russian, Ukrainian, Belarusian, Bulgarian, Serbian
# and Kazakh names (BGN/PCGN-like: Yuriy, Aleksey, Khabarov, Shchukin). Written out because
# rigour's maybe_ascii, which is good, costs ~20 µs per character on a first call (ICU4X), too slow
# for screening files of new names; the rest of the world's scripts go through PyICU (normality).
# fmt: off
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j",
    "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "ә": "a", "ғ": "g",
    "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "ӣ": "i", "ӯ": "u", "ҳ": "h", "ҷ": "j",
}
# fmt: on
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)


def _has_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


@lru_cache(maxsize=50_000)
def fold_ascii(text: str) -> str:
    """Lower-case ASCII transliteration of Latin/Cyrillic/... text (accents and breves dropped)."""
    text = _APOS_RE.sub("", text)
    if not text.isascii():
        if _has_cyrillic(text):
            text = text.lower().translate(_CYRILLIC_TABLE)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        text = _APOS_RE.sub("", text)
        if not text.isascii():
            try:
                import normality  # PyICU behind it; imported on first use (~0.3 s)

                text = normality.ascii_text(text)
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
