"""Acronyms and initials of organisation names (KKBC for Korea Kwangson Banking Corporation)."""

from __future__ import annotations

from functools import lru_cache

from interdict.names.tokenize import clean_text, latin_tokens

__all__ = ["acronym", "initials", "looks_like_acronym"]

# Words lists leave out of acronyms (Ministry OF Atomic Energy Industry -> MAEI).
_SKIP = frozenset(
    {"of", "the", "and", "for", "in", "on", "at", "de", "du", "des", "la", "le", "el", "y", "et", "a"}
)


@lru_cache(maxsize=50_000)
def initials(name: str) -> str:
    """First letters of every token, lower case ("Korea Kwangson Banking Corporation" -> "kkbc")."""
    tokens = latin_tokens(clean_text(name)) if isinstance(name, str) else ()
    return "".join(t[0] for t in tokens if not t.isdigit())


@lru_cache(maxsize=50_000)
def acronym(name: str) -> str | None:
    """Acronym as lists write it: initials without small words ("of", "the", "and"); None if < 2 letters.

    The legal form is kept (Korea Kwangson Banking Corporation -> "kkbc"; Foreign Trade Bank -> "ftb").
    """
    if not isinstance(name, str):
        return None
    tokens = latin_tokens(clean_text(name))
    letters = "".join(t[0] for t in tokens if t not in _SKIP and not t.isdigit())
    return letters if len(letters) >= 2 else None


def looks_like_acronym(token: str) -> bool:
    """True for a short all-letter token with no vowel pattern of a word (kkbc, omm, dcb, gbae)."""
    if not isinstance(token, str):
        return False
    tok = token.strip()
    if not 2 <= len(tok) <= 8 or not tok.isalpha():
        return False
    vowels = sum(c in "aeiouy" for c in tok.lower())
    if tok.isupper():
        return vowels * 2 <= len(tok)  # KKBC, GBAE, KOMID, NATA; not KOREA
    return vowels == 0
