"""Korean names: Hangul romanised in the three systems lists use, and romanised names understood.

Written by hand on purpose. ICU's ``Hangul-Latin`` and rigour's ``maybe_ascii`` give one
spelling-based Revised-Romanization-like string per word (김정은 -> ``gimjeong-eun``): no
McCune–Reischauer, no DPRK spellings (Ri, Rim, Ryu; J for ㅈ; Ph/Th/Kh for aspirates), no
name-aware handling (surname apart, given-name syllables spaced or joined), no surname
conventions (Lee, Park, Choi). Those are what DPRK designations are written in, so this module
does it from the Unicode arithmetic up:

- a Hangul syllable U+AC00..U+D7A3 is ``0xAC00 + (initial * 21 + vowel) * 28 + final``;
- romanisation tables for Revised Romanization (RR, ROK 2000), McCune–Reischauer (MR, without
  breves and apostrophes as the UN and OFAC print it: CHO'N -> chon) and the DPRK's own 1992
  system as the lists use it (ㅈ -> j, initial ㄹ -> r, aspirates ph/th/kh);
- MR/DPRK voicing inside a word (ㄱㄷㅂㅈ between voiced sounds -> g d b j: Taedonggang), linking
  of a final consonant into a following vowel, and the assimilations that change names the most
  (nasalisation: 백마 -> Paengma; ㄹ after ㄴ/ㅁ/ㅇ -> n: 금룡 -> Kumnyong; ㄴㄹ/ㄹㄴ -> ll) as an
  extra "-assim" spelling, because lists also write the unassimilated spelling (PAEKMA, KUMRYONG);
- personal names: surname (one syllable, or a two-syllable surname from the table) then given
  syllables, romanised syllable by syllable, with the conventional surname spellings per system.

Romanised Korean (Latin input) is understood by :func:`split_syllables` (segment "Jongun" into
"jong un") and :func:`is_korean_surname`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "SYSTEMS",
    "decompose",
    "is_hangul_syllable",
    "romanize_word",
    "romanize_syllable",
    "romanize_person",
    "korean_surnames",
    "is_korean_surname",
    "surname_spellings",
    "split_syllables",
    "syllable_variant_groups",
    "HangulName",
    "parse_hangul_name",
    "KoreanOrgWord",
    "segment_org_word",
]

SYSTEMS = ("rr", "mr", "dprk")

_BASE = 0xAC00
_LAST = 0xD7A3

# fmt: off
# Initial consonants, in Unicode order: ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ
_INITIAL = {
    "rr": ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"],
    # MR word-initial (unvoiced) values; voicing is applied between voiced sounds.
    "mr": ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t", "p", "h"],
    "dprk": ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"],
}
# Voiced values of ㄱ ㄷ ㅂ ㅈ between voiced sounds (MR and DPRK; RR writes g d b j everywhere).
_VOICED = {"mr": {0: "g", 3: "d", 7: "b", 12: "j"}, "dprk": {0: "g", 3: "d", 7: "b"}}

# Vowels: ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ
_VOWEL = {
    "rr": ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"],
    # MR and DPRK without breves: ŏ -> o, ŭ -> u (as UN/OFAC print them).
    "mr": ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"],
    "dprk": ["a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"],
}

# Finals: (none)ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ — pronounced value before a consonant.
_FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# Final consonant carried over to a following vowel-initial syllable (linking, 연음): value as initial.
_LINK = {1: "g", 2: "kk", 4: "n", 7: "d", 8: "r", 16: "m", 17: "b", 19: "s", 20: "ss", 22: "j", 23: "ch", 24: "k", 25: "t", 26: "p", 27: ""}
# fmt: on
# Final class for assimilation: which finals nasalise before ㄴ/ㅁ.
_FINAL_K = {1, 2, 3, 9, 24}
_FINAL_T = {7, 19, 20, 22, 23, 25, 27}
_FINAL_P = {14, 17, 18, 26}
_VOICED_FINALS = {4, 5, 6, 8, 10, 11, 12, 13, 15, 16, 21}  # ㄴ ㄹ ㅁ ㅇ (and clusters ending in them)

_RIEUL = 5
_IEUNG = 11
_NIEUN = 2
_MIEUM = 6


def is_hangul_syllable(char: str) -> bool:
    return len(char) == 1 and _BASE <= ord(char) <= _LAST


def decompose(char: str) -> tuple[int, int, int] | None:
    """(initial, vowel, final) indexes of a Hangul syllable, or None for any other character."""
    if not is_hangul_syllable(char):
        return None
    code = ord(char) - _BASE
    return code // 588, (code % 588) // 28, code % 28


def romanize_syllable(char: str, system: str = "dprk") -> str:
    """One syllable as if it began a word (how given-name syllables are written on lists)."""
    parts = decompose(char)
    if parts is None:
        return ""
    initial, vowel, final = parts
    return _INITIAL[system][initial] + _VOWEL[system][vowel] + _FINAL[final]


def _initial_value(system: str, initial: int, vowel: int, word_start: bool, prev_final: int | None) -> str:
    if initial == _RIEUL and word_start and system == "rr":
        return "r"
    value = _INITIAL[system][initial]
    if not word_start and system in _VOICED and initial in _VOICED[system]:
        # Voiced after a vowel or a voiced final (ㄴㄹㅁㅇ).
        if prev_final == 0 or prev_final in _VOICED_FINALS:
            value = _VOICED[system][initial]
    return value


@lru_cache(maxsize=20_000)
def romanize_word(word: str, system: str = "dprk", assimilate: bool = False) -> str:
    """Romanise a run of Hangul syllables as one word (place, company or given name written joined).

    Without ``assimilate`` consonants are written as spelt, with voicing and linking only (what
    most lists print: PAEKMA, KUMRYONG); with it, the nasal and liquid assimilations of MR/RR.
    Characters that are not Hangul syllables are dropped.
    """
    sylls = [decompose(c) for c in word]
    sylls = [s for s in sylls if s is not None]
    out: list[str] = []
    for i, (initial, vowel, final) in enumerate(sylls):
        prev_final = sylls[i - 1][2] if i else None
        init = _initial_value(system, initial, vowel, i == 0, prev_final)
        if i and prev_final and initial == _IEUNG and prev_final in _LINK:
            # Linking: the previous final is written as this syllable's initial.
            init = _LINK[prev_final]
        elif i and assimilate and prev_final:
            if initial == _RIEUL and prev_final in (_MIEUM, 16, 21, 1, 17):
                init = "n"  # ㄹ after ㅁ/ㅇ/ㄱ/ㅂ -> ㄴ (금룡 Kumnyong, 압록 Amnok)
            elif initial == _RIEUL and prev_final == 4:
                init = "l"  # ㄴㄹ -> ll
            elif initial == _NIEUN and prev_final == 8:
                init = "l"  # ㄹㄴ -> ll
            elif initial == _RIEUL and prev_final == 8:
                init = "l"
        if i and prev_final == 8 and initial == _RIEUL:
            init = "l"  # ㄹㄹ is always ll
        syll_final = _FINAL[final]
        nxt = sylls[i + 1] if i + 1 < len(sylls) else None
        if nxt is not None and nxt[0] == _IEUNG and final in _LINK:
            syll_final = ""
        elif nxt is not None and assimilate:
            n_init = nxt[0]
            if n_init == _RIEUL and final == 4:
                syll_final = "l"  # ㄴㄹ -> ll (신라 Silla)
            elif n_init in (_NIEUN, _MIEUM) or (n_init == _RIEUL and final not in (4, 8)):
                if final in _FINAL_K:
                    syll_final = "ng"
                elif final in _FINAL_T:
                    syll_final = "n"
                elif final in _FINAL_P:
                    syll_final = "m"
        out.append(init + _VOWEL[system][vowel] + syll_final)
    return "".join(out)


# --- surnames -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surname:
    hangul: tuple[str, ...]
    dprk: str
    rok: str
    mr: str
    variants: tuple[str, ...]

    @property
    def spellings(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in (self.dprk, self.rok, self.mr, *self.variants):
            s = s.lower().replace("'", "")
            if s:
                seen.setdefault(s, None)
        return tuple(seen)


@lru_cache(maxsize=1)
def _surnames() -> tuple[dict[str, Surname], dict[str, Surname]]:
    text = resources.files("interdict.names").joinpath("data/korean_surnames.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    by_hangul: dict[str, Surname] = {}
    by_latin: dict[str, Surname] = {}
    for row in rows:
        sn = Surname(
            hangul=tuple(row["hangul"].split(";")),
            dprk=row["dprk"],
            rok=row["rok"],
            mr=row["mr"],
            variants=tuple(v for v in (row.get("variants") or "").split(";") if v),
        )
        for h in sn.hangul:
            by_hangul.setdefault(h, sn)
        for spelling in sn.spellings:
            by_latin.setdefault(spelling, sn)
    return by_hangul, by_latin


def korean_surnames() -> dict[str, tuple[str, ...]]:
    """Hangul surname -> every Latin spelling we know (DPRK, ROK, MR, variants)."""
    return {h: sn.spellings for h, sn in _surnames()[0].items()}


def is_korean_surname(token: str) -> bool:
    """True for a Latin token that is a known spelling of a Korean surname (kim, ri, lee, pak...)."""
    return token.lower() in _surnames()[1]


def surname_spellings(token: str) -> tuple[str, ...]:
    """Every spelling of the surname that ``token`` spells (Latin or Hangul); () if unknown."""
    by_hangul, by_latin = _surnames()
    sn = by_hangul.get(token) or by_latin.get(token.lower())
    return sn.spellings if sn else ()


def _syllable_groups_raw() -> list[list[str]]:
    text = (
        resources.files("interdict.names")
        .joinpath("data/korean_syllable_variants.csv")
        .read_text(encoding="utf-8")
    )
    return [
        [t.strip() for t in line.split(",") if t.strip()]
        for line in text.splitlines()
        if line and not line.startswith("#")
    ]


@lru_cache(maxsize=1)
def syllable_variant_groups() -> tuple[tuple[str, ...], ...]:
    """Groups of given-name syllable spellings used interchangeably (chol/chul/cheol...)."""
    return tuple(tuple(g) for g in _syllable_groups_raw())


# --- romanised-Korean syllables ---------------------------------------------------------------

# fmt: off
_LAT_INITIALS = (
    "", "g", "k", "kk", "gg", "n", "d", "t", "tt", "r", "l", "m", "b", "p", "pp", "s", "ss", "sh", "j", "jj",
    "ch", "tch", "h", "kh", "th", "ph", "chh", "w", "y",
)
_LAT_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "o", "e", "yeo", "yo", "ye", "wa", "wae", "oe", "u", "wo", "weo", "we", "wi",
    "yu", "eu", "ui", "i", "oo", "ou", "ee", "oi", "ai", "eui", "ye", "yoo", "you", "uh", "ah", "oh",
)
_LAT_FINALS = ("", "k", "n", "t", "l", "m", "p", "ng", "r", "ck", "g", "b", "d")
# fmt: on


@lru_cache(maxsize=1)
def _latin_syllables() -> frozenset[str]:
    out = set()
    for i in _LAT_INITIALS:
        for v in _LAT_VOWELS:
            if i in ("w", "y") and v[0] in "wy":
                continue
            for f in _LAT_FINALS:
                out.add(i + v + f)
    out.discard("")
    return frozenset(out)


# Syllables frequent in DPRK given names (UN KPi.*, OFAC DPRK individuals); they break ties when
# a joined given name segments more than one way ("jongun": jong+un, not jon+gun).
_COMMON_GIVEN = frozenset(
    """il un su nam chol chul cheol song sung seong yong young yeong ho jin chin hyok hyuk myong myung kwang
    gwang chun jun sik sok seok gil kil kuk guk man min mun moon won u woo chang jang hak hui hee hwa ok sun
    hyon hyun hun hoon pyong byong tae dae dok duk gyu kyu han hae ryong bong pong bom pom jong chong jung
    chung ju chu ki gi hyang mi suk sam chae jae ryol yol nyong sang son ung ye in hwan so o jo cho bok pok
    kyong kyung gyong ik chon jon ryon hyo sil gum kum rim ri hwi ja cha hye gang kang ha yun yeon ran
    hong dong tong""".split()
)


@lru_cache(maxsize=50_000)
def split_syllables(token: str) -> tuple[str, ...] | None:
    """Segment a romanised Korean word into syllables ("jongun" -> ("jong", "un")); None if it is not one.

    Any system (RR, MR without breves, DPRK, ROK popular spellings). Among segmentations with
    valid syllables the one with the fewest syllables wins ("yeol" stays one), then the one with
    the most syllables common in given names ("sunam": su nam, not sun am), then the one that
    keeps "ng" as a final (ng cannot begin a Korean syllable).
    """
    token = token.lower()
    n = len(token)
    if n == 0 or n > 24 or not token.isalpha():
        return None
    sylls = _latin_syllables()
    # best[i] = (score tuple, segmentation) for token[:i]
    best: list[tuple[tuple[int, int, int], tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = ((0, 0, 0), ())
    for i in range(n):
        if best[i] is None:
            continue
        (neg_count, common, ng), seg = best[i]  # type: ignore[misc]
        for j in range(i + 1, min(n, i + 7) + 1):
            piece = token[i:j]
            if piece not in sylls:
                continue
            score = (
                neg_count - 1,
                common + (piece in _COMMON_GIVEN),
                ng + (1 if seg and seg[-1].endswith("ng") and piece[0] in "aeiouwy" else 0),
            )
            cur = best[j]
            if cur is None or score > cur[0]:
                best[j] = (score, (*seg, piece))
    result = best[n]
    return result[1] if result else None


# --- Hangul personal and organisation names -------------------------------------------------


@dataclass(frozen=True)
class HangulName:
    """A Hangul name split into surname and given syllables (persons) or words (organisations)."""

    surname: str | None
    given: str | None
    words: tuple[str, ...]


# Titles and honorifics written after a Korean name (김정은 동지, 김정은 위원장, 리병철 원수님).
_TITLES = (
    "위원장",
    "동지",
    "동무",
    "선생님",
    "선생",
    "원수님",
    "원수",
    "장군님",
    "장군",
    "대장",
    "씨",
    "님",
    "사장",
    "대표",
)


def _strip_titles(words: tuple[str, ...]) -> tuple[str, ...]:
    out = list(words)
    while out and out[-1] in _TITLES and len(out) > 1:
        out.pop()
    if len(out) == 1:
        for title in _TITLES:
            if out[0].endswith(title) and 2 <= len(out[0]) - len(title) <= 4:
                out[0] = out[0][: -len(title)]
                break
    return tuple(out)


def parse_hangul_name(text: str, person: bool | None = None) -> HangulName | None:
    """Split Hangul text into surname + given name when it looks like a personal name.

    ``person`` True forces, False forbids the person reading; None guesses: two to six syllables
    in at most three words with a known surname. Spaced names may put the surname last
    (현숙 배, as Western-order records do): a word that is a known surname is the surname.
    """
    words = tuple(w for w in "".join(c if is_hangul_syllable(c) else " " for c in text).split() if w)
    if person is not False:
        words = _strip_titles(words)
    if not words:
        return None
    by_hangul, _ = _surnames()
    joined = "".join(words)
    looks_person = 2 <= len(joined) <= 6 and len(words) <= 3
    if person is False or (person is None and not looks_person):
        return HangulName(None, None, words)
    if len(words) >= 2:
        first_ok, last_ok = words[0] in by_hangul, words[-1] in by_hangul
        if first_ok and (not last_ok or len(words[0]) <= len(words[-1])):
            return HangulName(words[0], "".join(words[1:]), words)
        if last_ok:
            return HangulName(words[-1], "".join(words[:-1]), words)
    if len(joined) >= 4 and joined[:2] in by_hangul:
        return HangulName(joined[:2], joined[2:], words)
    if joined[0] in by_hangul and len(joined) >= 2:
        return HangulName(joined[0], joined[1:], words)
    if person:
        return HangulName(joined[0], joined[1:] or None, words)
    return HangulName(None, None, words)


def _surname_in(system: str, hangul: str) -> str:
    sn = _surnames()[0].get(hangul)
    if sn is None:
        return romanize_word(hangul, system)
    spelling = {"dprk": sn.dprk, "rr": sn.rok, "mr": sn.mr}[system]
    return spelling.lower().replace("'", "")


def romanize_person(surname: str, given: str | None, system: str) -> tuple[str, tuple[str, ...]]:
    """(surname, given syllables) of a Hangul personal name in one system (conventional surname)."""
    sur = _surname_in(system, surname)
    syllables = tuple(romanize_syllable(c, system) for c in (given or "") if is_hangul_syllable(c))
    return sur, syllables


# --- Hangul organisation names ---------------------------------------------------------------


@dataclass(frozen=True)
class KoreanOrgWord:
    hangul: str
    english: str | None  # None: keep the romanisation (a trade name)
    legal: str | None = None
    place: bool = False


@lru_cache(maxsize=1)
def _org_words_rows() -> tuple[tuple[str, str, str | None, bool], ...]:
    """(hangul, english, legal form, is a place) rows of ``data/korean_org_words.csv``."""
    text = (
        resources.files("interdict.names").joinpath("data/korean_org_words.csv").read_text(encoding="utf-8")
    )
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return tuple(
        (r["hangul"], r["english"] or "", r.get("legal") or None, bool(r.get("place"))) for r in rows
    )


@lru_cache(maxsize=1)
def _org_words() -> dict[str, tuple[str, str | None, bool]]:
    return {h: (e, legal, place) for h, e, legal, place in _org_words_rows()}


@lru_cache(maxsize=20_000)
def segment_org_word(word: str) -> tuple[KoreanOrgWord, ...]:
    """Split one joined Hangul word of an organisation name into known words and trade-name pieces.

    Greedy longest match of the word table from the left; characters between known words form
    one trade-name piece (조선광선은행 -> 조선 | 광선 | 은행).
    """
    table = _org_words()
    longest = max((len(k) for k in table), default=1)
    out: list[KoreanOrgWord] = []
    pending = ""
    i = 0
    while i < len(word):
        for size in range(min(longest, len(word) - i), 1, -1):
            piece = word[i : i + size]
            if piece in table:
                if pending:
                    out.append(KoreanOrgWord(pending, None))
                    pending = ""
                english, legal, place = table[piece]
                out.append(KoreanOrgWord(piece, english, legal, place))
                i += size
                break
        else:
            pending += word[i]
            i += 1
    if pending:
        out.append(KoreanOrgWord(pending, None))
    return tuple(out)
