"""Spelling-variant keys for name tokens: equal keys mean "same word, different spelling".

``token_key`` is built for the romanisations DPRK and Chinese names go through:

1. known Korean surname spellings share one key (Ri/Rhee/Lee/Yi/I, Pak/Park/Bak, Choe/Choi...),
   and known given-name syllable spellings too (Chol/Chul/Cheol, Yong/Young/Yeong...), and the
   word variants of ``data/word_variants.csv`` (Korean/Korea, Intl/International, Shpg/Shipping);
2. otherwise a romanisation skeleton: apostrophes and breves gone (MR ``ch'o'l`` = ``chol``);
   RR vowels folded to MR (eo -> o, eu -> u); doubled vowels of popular spellings (oo -> u,
   ee -> i, ou -> o); aspirate digraphs ph/th/kh -> p/t/k; the unaspirated/aspirated and
   voiced/unvoiced pairs that RR, MR, DPRK, pinyin and Wade–Giles write differently merged
   (k/g, t/d, p/b; ch/j/zh/q/tch/ts/tz -> c; x -> hs, sh -> s); l -> r; doubled consonants single;
   Wade–Giles finals -ieh/-ih/-erh -> pinyin -ie/-i/-er.

The key is deliberately Korean- and Chinese-leaning: "kim" and "gim", "jong" and "chong",
"zhang" and "chang", "xu" and "hsu" collide, as they should. It also merges some words of other
languages (bill/pir); callers should count an equal key as weaker evidence than equal text.
``loose_key`` additionally merges the vowels lists confuse most (o/u for ㅓ in ROK spellings,
ae/e) and drops a medial y/w glide; use it only as a fuzzy signal.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from interdict.names.korean import _surnames, split_syllables, syllable_variant_groups
from interdict.names.tokenize import fold_ascii

__all__ = ["token_key", "loose_key", "name_key"]

_NON_ALNUM = re.compile(r"[^a-z0-9]")
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        # Wade-Giles finals written with h.
        (r"ieh$", "ie"),
        (r"ueh$", "ue"),
        (r"erh$", "er"),
        (r"(?<=[cs]h)ih$", "i"),
        (r"(?<=j)ih$", "i"),
        (r"ien$", "ian"),
        # Slavic endings as lists write them (Arkadiy/Arkadii/Arkady, Romanovych/Romanovich).
        (r"(?<=[a-z])(?:iy|ii|yi)$", "i"),
        (r"(?<=[bcdfghjklmnpqrstvwxz])y$", "i"),
        (r"ovych$", "ovich"),
        (r"evych$", "evich"),
        (r"ck", "k"),
        (r"iung", "iong"),
        # Vowels: RR to MR, popular spellings.
        (r"eo", "o"),
        (r"eu", "u"),
        (r"oo", "u"),
        (r"ee", "i"),
        (r"ou", "o"),
        # Aspirate digraphs (DPRK ph/th/kh, chh).
        (r"chh", "ch"),
        (r"ph", "p"),
        (r"th", "t"),
        (r"kh", "k"),
        # Affricates and sibilants across RR/MR/DPRK/pinyin/Wade-Giles.
        (r"tch", "c"),
        (r"tz", "c"),
        (r"ts", "c"),
        (r"zh", "c"),
        (r"ch", "c"),
        (r"x", "hs"),  # pinyin x = Wade-Giles hs, kept apart from s (Xu is not Su)
        (r"(?<!h)sh", "s"),
        (r"[jqz]", "c"),
        # Voicing pairs; protect the velar nasal "ng" first.
        (r"ng", "N"),
        (r"g", "k"),
        (r"N", "ng"),
        (r"d", "t"),
        (r"b", "p"),
        (r"l", "r"),
        # Doubled letters.
        (r"([a-z])\1+", r"\1"),
    )
)


_INITIAL_R = re.compile(r"^r(?=[aeiouwy])")
_HAS_VOWEL = re.compile(r"[aeiouy]")


def _skeleton(token: str) -> str:
    # DPRK keeps a word-initial ㄹ that ROK spelling drops before i/y (리 Ri / 이 Yi, 룡 Ryong /
    # 용 Yong, 렬 Ryol / 열 Yeol) and turns into n before other vowels (로 Ro / 노 No); only for a
    # token that is one romanised Korean syllable, so that Rashid and Nashid stay apart.
    if token[:1] == "r" and len(token) <= 6:
        parts = split_syllables(token)
        if parts is not None and len(parts) == 1:
            token = token[1:] if token[1:2] in ("y", "i") else _INITIAL_R.sub("n", token)
    for pattern, repl in _RULES:
        token = pattern.sub(repl, token)
    return token


@lru_cache(maxsize=1)
def _known() -> dict[str, str]:
    """Surname and given-syllable spellings -> key of the group's first spelling."""
    out: dict[str, str] = {}
    _, by_latin = _surnames()
    for spelling, sn in by_latin.items():
        out.setdefault(spelling, _skeleton(sn.dprk.lower().replace("'", "")))
    for group in syllable_variant_groups():
        key = _skeleton(group[0])
        for spelling in group:
            out.setdefault(spelling, key)
    for group in _word_variant_groups():
        key = _skeleton(group[0])
        for spelling in group:
            out.setdefault(_NON_ALNUM.sub("", spelling), key)
    return out


def _word_variant_groups() -> list[list[str]]:
    text = resources.files("interdict.names").joinpath("data/word_variants.csv").read_text(encoding="utf-8")
    return [
        [t.strip().lower() for t in line.split(",") if t.strip()]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _clean(token: str) -> str:
    token = fold_ascii(token) if not token.isascii() else token.lower().replace("'", "")
    return _NON_ALNUM.sub("", token)


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """Key that equal spelling variants of one name word share ("" for junk).

    >>> token_key("Rhee") == token_key("Ri") == token_key("Lee")
    True
    >>> token_key("ch'o'l") == token_key("cheol")
    True
    """
    if not isinstance(token, str):
        return ""
    tok = _clean(token)
    if not tok or tok.isdigit():
        return tok
    if tok == "i":
        # A lone "I" is an initial or a numeral ("ANA I", "KIM I. S.") far more often than the
        # surname 이, which lists and passports write Ri, Lee, Yi or Li: keep it apart from that
        # group's key ("i"), or "Ana Li" meets the vessel "ANA I". Lone O and U stay Korean
        # syllables (O Kuk Ryol = Oh Guk Ryeol).
        return "i."
    known = _known().get(tok)
    if known is not None:
        return known
    if not _HAS_VOWEL.search(tok):
        # An acronym or code (KKBC, GPC, RGB): the romanisation skeleton would merge letters that
        # stand for different words (kkbc and gpc both became "kpc"); keep its own spelling.
        return tok
    return _skeleton(tok)


_LOOSE = (
    (re.compile(r"ae"), "e"),
    (re.compile(r"(?<=[a-z])[yw](?=[aeiou])"), ""),
    (re.compile(r"u"), "o"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)


@lru_cache(maxsize=200_000)
def loose_key(token: str) -> str:
    """A coarser key than :func:`token_key` (o/u, ae/e and medial y/w merged): fuzzy evidence only."""
    key = token_key(token)
    for pattern, repl in _LOOSE:
        key = pattern.sub(repl, key)
    return key


def name_key(tokens: tuple[str, ...] | list[str]) -> str:
    """Space-joined token keys of a token sequence (order kept)."""
    return " ".join(k for k in (token_key(t) for t in tokens) if k)
