"""Every comparable Latin form of a name: the one function matching codes against.

``comparable_forms("김정은")`` gives the DPRK, McCune–Reischauer and Revised Romanization
spellings (each spaced and joined); ``comparable_forms("丹东鸿祥实业发展有限公司")`` gives the pinyin
words, the translated-industry form and the Wade–Giles form, each with its parts; a Latin name
gives its tokens with the legal form taken off (and, for a Korean personal name, the given name
split into syllables and joined). Equal ``text`` between a query form and a list form means the
same written name; equal :func:`~interdict.names.phonetic.token_key` per token means the same
name spelt differently.

Results are cached per (name, schema). Never raises: junk gives ``[]``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from interdict.names.acronyms import looks_like_acronym
from interdict.names.chinese import (
    KOREAN_SURNAME_HANJA,
    ChineseName,
    korean_reading,
    parse_chinese_name,
    pinyin_to_wade_giles,
)
from interdict.names.companies import split_org_parts
from interdict.names.cyrillic_korean import cyrillic_korean_tokens, with_likely_ng
from interdict.names.korean import (
    is_hangul_syllable,
    is_korean_surname,
    parse_hangul_name,
    romanize_person,
    romanize_syllable,
    romanize_word,
    segment_org_word,
    split_syllables,
)
from interdict.names.org_types import cjk_legal_forms, inner_legal_form, strip_legal_form
from interdict.names.scripts import HAN, HANGUL, has_han, has_hangul, script_runs
from interdict.names.tokenize import clean_text, latin_tokens

__all__ = ["NameForm", "comparable_forms", "normalize_name", "PERSON_SCHEMAS", "ORG_SCHEMAS"]

log = logging.getLogger(__name__)

PERSON_SCHEMAS = frozenset({"Person"})
ORG_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
# Schemas whose names carry no legal form and are never personal names.
OBJECT_SCHEMAS = frozenset({"Vessel", "Airplane", "Vehicle", "Asset", "CryptoWallet", "Security"})


@dataclass(frozen=True, slots=True)
class NameForm:
    """One comparable spelling of a name.

    ``text`` is ``" ".join(tokens)``: lower-case ASCII, legal form removed. ``kind`` says how it
    was made (docs/names.md has the table):

    - Latin input: "latin", "icu" (other scripts), "bracket" (an acronym in brackets),
      "korean-split", "korean-joined", "korean-reordered" (romanised Korean personal names),
      "syllables-joined" (NAM CHON GANG -> namchongang), "latin-joined" (Wen-ji -> wenji);
    - Hangul: "hangul-dprk", "hangul-mr", "hangul-rr", each with "-joined" (given name) or
      "-assim" (sound assimilation), and "hangul-translated" (organisations);
    - Han: "pinyin", "pinyin-split", "pinyin-translated", "pinyin-translated-split",
      "wade-giles", "wade-giles-split", and "hanja-dprk"/"hanja-mr"/"hanja-rr" (+ "-joined") for
      Korean names in Chinese characters;
    - Cyrillic Korean names: "cyrillic-korean" (+ "-joined").

    ``legal_form`` is the canonical legal form taken off ("co ltd", "llc", "jsc", "corp"...).
    ``place``, ``trade_name`` and ``industry`` are set for company names whose parts are known,
    each written in this form's own tokens, so that a trade-name match can count for more than a
    matching city or industry word.
    """

    text: str
    tokens: tuple[str, ...]
    kind: str
    legal_form: str | None = None
    place: str | None = None
    trade_name: str | None = None
    industry: str | None = None


def _form(
    tokens: tuple[str, ...] | list[str], kind: str, legal: str | None = None, **parts: str | None
) -> NameForm | None:
    toks = tuple(t for t in tokens if t)
    if not toks:
        return None
    return NameForm(
        " ".join(toks), toks, kind, legal, parts.get("place"), parts.get("trade_name"), parts.get("industry")
    )


def _org_form(tokens: tuple[str, ...], kind: str, legal: str | None) -> NameForm | None:
    """A Latin organisation form with its parts (place prefix, trade name, industry words) when found."""
    parts = split_org_parts(tokens) if len(tokens) >= 2 else None
    if parts is None:
        return _form(tokens, kind, legal)
    return _form(tokens, kind, legal, place=parts.place, trade_name=parts.trade_name, industry=parts.industry)


def _add(out: list[NameForm], seen: set[str], form: NameForm | None) -> None:
    if form is not None and form.text not in seen:
        seen.add(form.text)
        out.append(form)


def _flag(schema: str | None) -> bool | None:
    """True for persons, False for organisations/objects, None if unknown."""
    if schema in PERSON_SCHEMAS:
        return True
    if schema in ORG_SCHEMAS or schema in OBJECT_SCHEMAS:
        return False
    return None


# --- Latin ------------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def korean_person_parts(
    tokens: tuple[str, ...], surname_last: bool = False
) -> tuple[str, tuple[str, ...], bool] | None:
    """(surname, given syllables, surname_was_last) if the tokens read as a romanised Korean name.

    Two to four tokens, a known Korean surname first (or last: when ``surname_last`` says so, as
    for "Chang-Su Han", or when only the last token is a surname, as for "Yonggil Ri"), the other
    tokens segmenting into one to three romanised Korean syllables.
    """
    if not 2 <= len(tokens) <= 4:
        return None
    if is_korean_surname(tokens[-1]) and (surname_last or not is_korean_surname(tokens[0])):
        surname, given, last = tokens[-1], tokens[:-1], True
    elif is_korean_surname(tokens[0]):
        surname, given, last = tokens[0], tokens[1:], False
    else:
        return None
    syllables: list[str] = []
    for token in given:
        parts = split_syllables(token)
        if parts is None:
            return None
        syllables.extend(parts)
    if not 1 <= len(syllables) <= 3:
        return None
    return surname, tuple(syllables), last


# "Chang-Su Han", "Jong-Un KIM": a hyphenated given name first means the surname is last.
_GIVEN_FIRST_RE = re.compile(r"^\s*[A-Za-z'’]+-[A-Za-z'’]+\s+[A-Za-z'’]+\s*$")


# fmt: off
_PINYIN_INITIALS = ("", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh",
                    "r", "z", "c", "s", "y", "w")
_PINYIN_FINALS = ("a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er",
                  "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai", "ui", "uan",
                  "un", "uang", "ue")
# fmt: on
_PINYIN = frozenset(i + f for i in _PINYIN_INITIALS for f in _PINYIN_FINALS)
_JOIN_STOP = frozenset({"the", "of", "and", "for", "in", "on", "at", "to", "a", "de", "la", "le", "du", "el"})


# The most frequent Chinese surnames in pinyin (and their Wade-Giles/Cantonese list spellings).
_CHINESE_SURNAMES = frozenset(
    """wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang
    xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu
    ding ren shen yao jin fu zhong cui tan lui lai chan wong cheung chow tsang tsui yeung ng lam leung""".split()
)


def _is_surname(token: str) -> bool:
    return token in _CHINESE_SURNAMES or is_korean_surname(token)


@lru_cache(maxsize=100_000)
def _single_syllable(token: str) -> bool:
    if token in _JOIN_STOP or not token.isalpha() or len(token) > 6:
        return False
    if token in _PINYIN:
        return True
    parts = split_syllables(token)
    return parts is not None and len(parts) == 1


@lru_cache(maxsize=100_000)
def is_syllabic_name(tokens: tuple[str, ...]) -> bool:
    """True when every token is one Korean or pinyin syllable ("kim yong chol", "li hao chen").

    In such names each syllable is part of the given name or the surname, so a name with one
    syllable fewer is another person's name (Kim Yong vs Kim Yong Chol), not a name given without
    its middle name. Joined given names ("kim jongun") are not read as syllables here: Korean
    romanisation segments too many Western words ("michael" = mi + chael); the comparable forms
    already include the syllable-spaced spelling of a Korean name.
    """
    if not tokens or len(tokens) > 4:
        return False
    return all(_single_syllable(token) for token in tokens)


@lru_cache(maxsize=50_000)
def _join_syllable_runs(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Join runs of single Korean/pinyin syllables: "nam chon gang" -> "namchongang", "hong kong" -> "hongkong".

    Lists write Korean and Chinese place and trade names both spaced and joined (NAM CHON GANG
    CORPORATION / NAMCHONGANG TRADING); the joined spelling is produced as an extra form.
    """
    out: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if token and _single_syllable(token):
            run.append(token)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if token:
            out.append(token)
    return tuple(out)


def _surname_written_last(text: str) -> bool:
    """ "Chang-Su Han" (hyphenated given name first) or "Jong Un KIM" (only the last word in capitals)."""
    if _GIVEN_FIRST_RE.match(text):
        return True
    words = text.split()
    if len(words) < 2 or text.isupper() or not any(c.islower() for c in text):
        return False
    last = words[-1]
    return len(last) > 1 and last.isupper() and not any(w.isupper() for w in words[:-1])


_EXTRA_PREFIXES = frozenset({"marshal", "comrade", "chairman"})


@lru_cache(maxsize=1)
def _prefix_starts() -> frozenset[str]:
    """First tokens of rigour's person-name prefixes, to call rigour only when one may be there."""
    from rigour._core import person_name_prefixes_list

    return frozenset(t[0] for t in (latin_tokens(p) for p in person_name_prefixes_list()) if t)


def _without_person_prefix(text: str, tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Drop titles before a person's name (Mr., Dr., General: rigour's list; Marshal, Comrade)."""
    if tokens[0] not in _prefix_starts() and tokens[0] not in _EXTRA_PREFIXES:
        return tokens
    from rigour.names import remove_person_prefixes

    try:
        stripped = latin_tokens(remove_person_prefixes(text))
    except Exception:  # pragma: no cover - defensive
        stripped = tokens
    if not stripped or len(stripped) >= len(tokens):
        stripped = tokens
    while len(stripped) > 1 and stripped[0] in _EXTRA_PREFIXES:
        stripped = stripped[1:]
    return stripped


_BRACKET_RE = re.compile(r"[(\[{（]([^()\[\]{}（）]*)[)\]}）]")


def _latin_forms(
    text: str,
    person: bool | None,
    schema: str | None,
    out: list[NameForm],
    seen: set[str],
    kind: str = "latin",
) -> None:
    tokens = latin_tokens(text)
    if person is True and len(tokens) > 1:
        tokens = _without_person_prefix(text, tokens)
    if not tokens:
        return
    korean = None
    if person is not False:
        korean = korean_person_parts(tokens, surname_last=_surname_written_last(text))
    legal = None
    if schema not in PERSON_SCHEMAS and schema not in OBJECT_SCHEMAS and not (person is None and korean):
        tokens, legal = strip_legal_form(tokens)
        if legal:
            korean = None
    org = person is False or (person is None and not korean)
    _add(out, seen, _org_form(tokens, kind, legal) if org else _form(tokens, kind, legal))
    if org and person is not True and legal is None:
        # "Korea Ryonbong General Corporation, Pyongyang": also the company without the place (not
        # when a form also ends the name: "Makro Tim Limited Baikal Company" is one long name).
        inner = inner_legal_form(tokens)
        if inner is not None:
            _add(out, seen, _org_form(inner[0], "before-legal-form", inner[1]))
    if person is False and "," in text:
        # "LLC Bimeister, Vladivostok": an organisation's name, a comma, then a place or unit
        head, _, tail = text.rpartition(",")
        tail_tokens = latin_tokens(tail)
        if 1 <= len(tail_tokens) <= 3:
            head_tokens, head_legal = strip_legal_form(latin_tokens(head))
            if head_tokens and head_tokens != tokens:
                _add(out, seen, _org_form(head_tokens, "before-comma", head_legal))
    if korean and legal is None:
        surname, syllables, last = korean
        if last:
            _add(out, seen, _form((surname, *tokens[:-1]), "korean-reordered"))
        _add(out, seen, _form((surname, *syllables), "korean-split"))
        _add(out, seen, _form((surname, "".join(syllables)), "korean-joined"))
    elif person is not True and len(tokens) >= 2:
        if person is None and len(tokens) <= 4 and _is_surname(tokens[0]) and split_org_parts(tokens) is None:
            # Probably a personal name (Wang Xiao Ming, Kim Chen Yn): keep the surname apart.
            joined = (tokens[0], *_join_syllable_runs(tokens[1:]))
        else:
            joined = _join_syllable_runs(tokens)
        if joined != tokens:
            _add(
                out,
                seen,
                _org_form(joined, "syllables-joined", legal)
                if org
                else _form(joined, "syllables-joined", legal),
            )
    if not korean and person is not False and legal is None and "-" in text and len(tokens) <= 5:
        # Hyphenated given names of other origins (Chinese Wen-ji): also the joined spelling.
        joined = latin_tokens(text.replace("-", ""))
        if joined != tokens:
            _add(out, seen, _form(joined, "latin-joined"))


# --- Hangul ----------------------------------------------------------------------------------


def _hangul_forms(text: str, person: bool | None, out: list[NameForm], seen: set[str]) -> None:
    runs = script_runs(text)
    hangul_text = " ".join(r for k, r in runs if k == HANGUL)
    latin_text = " ".join(r for k, r in runs if k != HANGUL)
    latin = latin_tokens(latin_text) if latin_text.strip() else ()
    words = tuple(w for w in "".join(c if is_hangul_syllable(c) else " " for c in hangul_text).split() if w)
    if not words:
        return
    if person is None and any(seg.english is not None for w in words for seg in segment_org_word(w)):
        person = False  # a known organisation word (은행, 무역, 회사...) makes it an organisation
    if (
        latin
        and person is not False
        and len(latin) == 1
        and is_korean_surname(latin[0])
        and len("".join(words)) <= 3
    ):
        # "Kim 정은": Latin surname, Hangul given name.
        for system in ("dprk", "mr", "rr"):
            syllables = tuple(romanize_syllable(c, system) for c in "".join(words))
            _add(out, seen, _form((latin[0], *syllables), f"hangul-{system}"))
            if len(syllables) > 1:
                _add(out, seen, _form((latin[0], "".join(syllables)), f"hangul-{system}-joined"))
        return
    parsed = parse_hangul_name(hangul_text, person=person if not latin else False)
    if parsed is None:
        return
    if parsed.surname is not None:
        for system in ("dprk", "mr", "rr"):
            sur, syllables = romanize_person(parsed.surname, parsed.given, system)
            _add(out, seen, _form((sur, *syllables, *latin), f"hangul-{system}"))
            if len(syllables) > 1:
                _add(out, seen, _form((sur, "".join(syllables), *latin), f"hangul-{system}-joined"))
        return
    # Organisation: words split on the word table; known words translated in one form.
    segments = [seg for word in parsed.words for seg in segment_org_word(word)]
    legal = next((seg.legal for seg in reversed(segments) if seg.legal), None)
    kept = [s for s in segments if not (s.legal and not s.english)]
    for system in ("dprk", "mr", "rr"):
        for assimilate, suffix in ((False, ""), (True, "-assim")):
            words = [romanize_word(s.hangul, system, assimilate=assimilate) for s in kept]
            if assimilate and words == [romanize_word(s.hangul, system) for s in kept]:
                continue
            _add(
                out,
                seen,
                _form((*latin, *words), f"hangul-{system}{suffix}", legal, **_korean_parts(kept, words)),
            )
    if any(s.english for s in segments):
        words = [romanize_word(s.hangul, "dprk") if s.english is None else s.english for s in kept]
        _add(
            out,
            seen,
            _form(
                (*latin, *" ".join(words).split()), "hangul-translated", legal, **_korean_parts(kept, words)
            ),
        )


def _korean_parts(segments: list, words: list[str]) -> dict[str, str | None]:
    """Parts of a Hangul organisation form, in the form's own spelling of each segment."""
    place = [w for s, w in zip(segments, words, strict=True) if s.place]
    trade = [w for s, w in zip(segments, words, strict=True) if s.english is None]
    industry = [
        w for s, w in zip(segments, words, strict=True) if s.english is not None and not s.place and w
    ]
    return {
        "place": " ".join(place) or None,
        "trade_name": " ".join(trade) or None,
        "industry": " ".join(industry) or None,
    }


# --- Han --------------------------------------------------------------------------------------


def _han_forms(text: str, person: bool | None, out: list[NameForm], seen: set[str]) -> None:
    runs = script_runs(text)
    han_text = "".join(r for k, r in runs if k == HAN)
    latin_text = " ".join(r for k, r in runs if k != HAN)
    latin = latin_tokens(latin_text) if latin_text.strip() else ()
    stripped = "".join(c for c in han_text if c.strip())
    for alias, canonical in cjk_legal_forms().items():
        if stripped == alias and latin:
            # "ACME 有限公司": a Latin name with a Chinese legal form.
            tokens, _ = strip_legal_form(latin)
            _add(out, seen, _form(tokens, "latin", canonical))
            return
    parsed = parse_chinese_name(han_text, person=person if not latin else False)
    if parsed is None:
        return
    if parsed.person:
        _chinese_person(parsed, latin, out, seen)
        _hanja_person(parsed, latin, out, seen)
    else:
        _chinese_company(parsed, latin, out, seen)


def _chinese_person(p: ChineseName, latin: tuple[str, ...], out: list[NameForm], seen: set[str]) -> None:
    """Surname first, given name joined per written word (Jin Tiesan) and syllable by syllable."""
    sur = "".join(p.surname)
    wg_sur = pinyin_to_wade_giles(" ".join(p.surname))
    given = ["".join(w) for w in p.given_words]
    wg_given = ["".join(_wg(s) for s in w) for w in p.given_words]
    _add(out, seen, _form((sur, *given, *latin), "pinyin"))
    _add(out, seen, _form((sur, *p.given, *latin), "pinyin-split"))
    _add(out, seen, _form((wg_sur, *wg_given, *latin), "wade-giles"))
    _add(out, seen, _form((wg_sur, *(_wg(s) for s in p.given), *latin), "wade-giles-split"))


def _hanja_person(p: ChineseName, latin: tuple[str, ...], out: list[NameForm], seen: set[str]) -> None:
    """A Korean name written in Chinese characters (金正恩, 崔龙海): the forms of its Korean reading.

    Only for a one-character Korean surname (金 李 朴 崔...) and a given name of one to three
    characters that are all in the reading table.
    """
    if (
        len(p.surname_chars) != 1
        or p.surname_chars not in KOREAN_SURNAME_HANJA
        or not 1 <= len(p.given_chars) <= 3
    ):
        return
    surname, given = korean_reading(p.surname_chars), korean_reading(p.given_chars)
    if surname is None or given is None:
        return
    for system in ("dprk", "mr", "rr"):
        sur, syllables = romanize_person(surname, given, system)
        _add(out, seen, _form((sur, *syllables, *latin), f"hanja-{system}"))
        if len(syllables) > 1:
            _add(out, seen, _form((sur, "".join(syllables), *latin), f"hanja-{system}-joined"))


def _wg(syllable: str) -> str:
    return pinyin_to_wade_giles(syllable)


def _chinese_company(p: ChineseName, latin: tuple[str, ...], out: list[NameForm], seen: set[str]) -> None:
    """Pinyin, translated, translated with the trade name's syllables spaced, and Wade–Giles forms.

    Each form's ``place``, ``trade_name`` and ``industry`` are written in that form's own tokens.
    """
    place_py = ["".join(s) for s, _ in p.places]
    place_en = [w for _, e in p.places for w in e.split()]
    trail_py = ["".join(s) for s, _ in p.trailing_places]
    trail_en = [w for _, e in p.trailing_places for w in e.split()]
    industry_py = ["".join(s) for s, _ in p.industry]
    industry_en = [w for _, e in p.industry for w in e.split()]
    trade = "".join(p.trade)
    wg_trade = pinyin_to_wade_giles(" ".join(p.trade)) if p.trade else ""
    legal = p.legal_form
    variants = (
        ("pinyin", place_py + trail_py, [trade], industry_py),
        ("pinyin-translated", place_en + trail_en, [trade], industry_en),
        (
            "pinyin-translated-split",
            place_en + trail_en,
            list(p.trade) if len(p.trade) > 1 else [],
            industry_en,
        ),
        ("wade-giles", place_en + trail_en, [wg_trade], industry_en),
    )
    for kind, place, trade_words, industry in variants:
        if not trade_words and kind == "pinyin-translated-split":
            continue
        lead = place_py if kind == "pinyin" else place_en
        tail = trail_py if kind == "pinyin" else trail_en
        tokens = (*latin, *lead, *trade_words, *industry, *tail)
        parts = {
            "place": " ".join(place) or None,
            "trade_name": " ".join(t for t in trade_words if t) or None,
            "industry": " ".join(industry) or None,
        }
        _add(out, seen, _form(tokens, kind, legal, **parts))


# --- entry points -----------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def _forms(name: str, schema: str | None) -> tuple[NameForm, ...]:
    text = clean_text(name)
    if not text:
        return ()
    person = _flag(schema)
    out: list[NameForm] = []
    seen: set[str] = set()
    if text.isascii():
        _bracket_forms(text, person, schema, out, seen)
        _latin_forms(text, person, schema, out, seen)
        return tuple(out)
    hangul, han = has_hangul(text), has_han(text)
    if hangul:
        _hangul_forms(text, person, out, seen)
    if han:
        _han_forms(text, person, out, seen)
    if not hangul and not han:
        kind = "latin" if _is_latin(text) else "icu"
        _bracket_forms(text, person, schema, out, seen, kind=kind)
        _latin_forms(text, person, schema, out, seen, kind=kind)
        if person is not False and kind == "icu":
            korean = cyrillic_korean_tokens(text)
            if korean is not None:
                for tokens in (korean, with_likely_ng(korean)):
                    _add(out, seen, _form(tokens, "cyrillic-korean"))
                    if len(tokens) > 2:
                        _add(out, seen, _form((tokens[0], "".join(tokens[1:])), "cyrillic-korean-joined"))
    return tuple(out)


def _is_latin(text: str) -> bool:
    from interdict.names.scripts import detect_scripts

    return detect_scripts(text) <= {"Latin"}


def _bracket_forms(
    text: str,
    person: bool | None,
    schema: str | None,
    out: list[NameForm],
    seen: set[str],
    kind: str = "latin",
) -> None:
    """ "KOREA KWANGSON BANKING CORPORATION (KKBC)": the name without the bracket, and the acronym in it.

    The full text (bracket content inline) is still produced by the caller afterwards, so
    "LEADER (HONG KONG) INTERNATIONAL" also gives "leader hong kong international"; a bracket
    holding an acronym is not kept inline.
    """
    if "(" not in text and "[" not in text and "{" not in text and "（" not in text:
        return
    inner = [m.group(1) for m in _BRACKET_RE.finditer(text)]
    outer = _BRACKET_RE.sub(" ", text)
    if outer.strip() and outer != text:
        _latin_forms(outer, person, schema, out, seen, kind=kind)
    for content in inner:
        toks = latin_tokens(content)
        if len(toks) == 1 and 2 <= len(toks[0]) <= 8 and looks_like_acronym(content.strip()):
            _add(out, seen, _form(toks, "bracket"))
            # An acronym inline is noise: mark the full spelling as seen so it is not produced.
            full = latin_tokens(text)
            seen.add(" ".join(strip_legal_form(full)[0]))
            seen.add(" ".join(full))


def comparable_forms(name: str, schema: str | None = None) -> list[NameForm]:
    """Every comparable Latin form of ``name`` (see :class:`NameForm`); ``[]`` for empty or junk input.

    ``schema`` is an FtM schema name ("Person", "Company", "Organization", "LegalEntity",
    "Vessel"...) or None when unknown: persons keep legal-form-looking words and get
    surname/given-name handling, organisations get legal forms removed and parsed parts.
    """
    if not isinstance(name, str) or not name:
        return []
    if schema is not None and not isinstance(schema, str):
        schema = None
    try:
        return list(_forms(name, schema))
    except Exception:  # pragma: no cover - a names bug must not stop a screening run
        log.warning("comparable_forms failed on %r", name[:80], exc_info=True)
        return []


def normalize_name(text: str | None) -> str | None:
    """Lower-case ASCII tokens of a name joined by single spaces (legal forms kept); None for junk.

    Hangul is romanised in the DPRK system and Han in pinyin (syllables spaced), other scripts
    through ICU. Idempotent: ``normalize_name(normalize_name(x)) == normalize_name(x)``.
    """
    if not isinstance(text, str):
        return None
    cleaned = clean_text(text)
    if not cleaned:
        return None
    if cleaned.isascii() or not (has_hangul(cleaned) or has_han(cleaned)):
        tokens = latin_tokens(cleaned)
        return " ".join(tokens) or None
    from interdict.names.chinese import to_pinyin

    pieces: list[str] = []
    for kind, run in script_runs(cleaned):
        if kind == HANGUL:
            pieces.extend(romanize_word(w, "dprk") for w in run.split())
        elif kind == HAN:
            pieces.extend(to_pinyin(run))
        else:
            pieces.extend(latin_tokens(run))
    tokens = tuple(t for p in pieces for t in latin_tokens(p))
    return " ".join(tokens) or None
