"""Chinese names: Hanzi to pinyin (pypinyin), Wade–Giles, and company names parsed into parts.

pypinyin does the reading (simplified and traditional, with its phrase dictionary for
polyphones). What it lacks, written here:

- word joining as lists print it: syllables of one word are joined ("dandong hongxiang"), a
  personal given name is one word ("jin tiesan"); a syllable-spaced variant is also produced;
- surname readings that differ from the common reading (单 Shan, 曾 Zeng, 仇 Qiu, 解 Xie...);
- Wade–Giles (Taiwan, Hong Kong and older Western spellings), derived from pinyin by the standard
  correspondence, apostrophes dropped as lists drop them (Zhang -> Chang, Xu -> Hsu, Qian -> Chien);
- company names split into place prefix, trade name, industry words and legal form, from the
  tables in ``data/`` (matched on the toned pinyin, so traditional characters match as well),
  with the industry words translated as lists translate them (实业 -> industrial).

Neither rigour nor ICU does this: both give one syllable-spaced, un-parsed reading (rigour:
"dan dong hong xiang shi ye fa zhan you xian gong si"). Cantonese readings of Hong Kong names
(Yuk Tung) are not produced: pypinyin reads Mandarin only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from interdict.names.org_types import cjk_legal_forms
from interdict.names.scripts import is_han

__all__ = [
    "to_pinyin",
    "pinyin_to_wade_giles",
    "ChineseName",
    "parse_chinese_name",
    "chinese_places",
    "chinese_industry_words",
    "korean_reading",
    "KOREAN_SURNAME_HANJA",
]

# fmt: off
# Surnames read differently from the character's most common reading.
_SURNAME_READINGS = {
    "单": "shan", "單": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "区": "ou", "區": "ou", "查": "zha",
    "朴": "piao", "盖": "ge", "蓋": "ge", "种": "chong", "種": "chong", "秘": "bi", "乐": "yue", "樂": "yue",
    "翟": "zhai", "缪": "miao", "繆": "miao", "覃": "qin", "召": "shao", "黑": "he", "员": "yun", "員": "yun",
    "长": "chang", "長": "chang", "沈": "shen", "瀋": "shen", "尉": "wei", "华": "hua", "華": "hua",
    "任": "ren", "宁": "ning", "寧": "ning", "万": "wan", "萬": "wan", "折": "she", "句": "gou",
}
# fmt: on
_COMPOUND_SURNAMES = frozenset(
    "欧阳 歐陽 司马 司馬 诸葛 諸葛 上官 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 令狐 夏侯 长孙 長孫 宇文 司徒 端木 南宫 南宮".split()
)


@lru_cache(maxsize=20_000)
def _toned(text: str) -> tuple[str, ...]:
    """Toned pinyin (TONE3, ü as v), one per readable Han character of ``text`` (see :func:`han_chars`)."""
    from pypinyin import Style, lazy_pinyin

    han = han_chars(text)
    if not han:
        return ()
    out = lazy_pinyin(han, style=Style.TONE3, errors="ignore", neutral_tone_with_five=True)
    if len(out) != len(han):  # pragma: no cover - defensive: keep one reading per character
        out = [
            (lazy_pinyin(c, style=Style.TONE3, errors="ignore", neutral_tone_with_five=True) or [""])[0]
            for c in han
        ]
    return tuple(o for o in out if o)


@lru_cache(maxsize=1)
def _readable() -> frozenset[int]:
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(pinyin_dict)


def han_chars(text: str) -> str:
    """The Han characters of ``text`` that pypinyin can read (rare extension-B characters are dropped)."""
    readable = _readable()
    return "".join(c for c in text if is_han(c) and ord(c) in readable)


def _plain(syllable: str) -> str:
    return syllable.rstrip("012345").replace("v", "u")


def to_pinyin(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of the Han characters in ``text`` (ü written u)."""
    return tuple(_plain(s) for s in _toned(text))


# --- Wade-Giles -----------------------------------------------------------------------------

# fmt: off
_WG_INITIALS = [
    ("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("b", "p"), ("p", "p"), ("m", "m"), ("f", "f"), ("d", "t"),
    ("t", "t"), ("n", "n"), ("l", "l"), ("g", "k"), ("k", "k"), ("h", "h"), ("j", "ch"), ("q", "ch"),
    ("x", "hs"), ("r", "j"), ("z", "ts"), ("c", "ts"), ("s", "s"), ("y", "y"), ("w", "w"),
]
_WG_WHOLE = {
    "zi": "tzu", "ci": "tzu", "si": "szu", "zhi": "chih", "chi": "chih", "shi": "shih", "ri": "jih",
    "er": "erh", "yi": "i", "you": "yu", "yan": "yen", "ye": "yeh", "yue": "yueh", "yong": "yung",
    "yu": "yu", "yuan": "yuan", "yun": "yun", "ge": "ko", "ke": "ko", "he": "ho", "e": "o",
    "guo": "kuo", "kuo": "kuo", "huo": "huo", "shuo": "shuo", "lve": "lueh", "nve": "nueh", "lue": "lueh",
    "nue": "nueh",
}
# fmt: on


@lru_cache(maxsize=4_096)
def _wg_syllable(syl: str) -> str:
    syl = syl.replace("v", "u")
    if syl in _WG_WHOLE:
        return _WG_WHOLE[syl]
    initial, final = "", syl
    for py, wg in _WG_INITIALS:
        if syl.startswith(py):
            initial, final = wg, syl[len(py) :]
            break
    if final == "ong":
        final = "ung"
    elif final == "iong":
        final = "iung"
    elif final == "ian":
        final = "ien"
    elif final == "ie":
        final = "ieh"
    elif final in ("ue", "ve"):
        final = "ueh"
    elif final == "uo":
        final = "o"
    elif final == "e":
        final = "e"
    elif final == "ui":
        final = "ui"
    if initial == "ts" and final.startswith("u") and not final.startswith("ua"):
        initial = "ts"
    return initial + final


def pinyin_to_wade_giles(word: str) -> str:
    """Wade–Giles (no apostrophes, no umlauts) of a pinyin word made of syllables joined or spaced.

    A joined word must be given as its syllables separated by spaces or hyphens to convert each;
    a single syllable is converted directly.
    """
    parts = [p for p in word.replace("-", " ").split() if p]
    return "".join(_wg_syllable(p) for p in parts)


# --- tables ---------------------------------------------------------------------------------


def _read_table(name: str) -> list[tuple[str, str]]:
    text = resources.files("interdict.names").joinpath(f"data/{name}").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return [(r["hanzi"], r["english"]) for r in rows]


@lru_cache(maxsize=1)
def _places() -> dict[tuple[str, ...], str]:
    return {_toned(h): e for h, e in _read_table("chinese_places.csv") if _toned(h)}


@lru_cache(maxsize=1)
def _industry() -> dict[tuple[str, ...], str]:
    return {_toned(h): e for h, e in _read_table("chinese_industry.csv") if _toned(h)}


def chinese_places() -> dict[str, str]:
    """Hanzi place -> English spelling used on lists."""
    return dict(_read_table("chinese_places.csv"))


def chinese_industry_words() -> dict[str, str]:
    """Hanzi industry word -> English translation used on lists."""
    return dict(_read_table("chinese_industry.csv"))


# --- parsing --------------------------------------------------------------------------------

_ADMIN_SUFFIX = frozenset("省市县縣区區")


@dataclass(frozen=True)
class ChineseName:
    """A Chinese name as parts. Syllable tuples hold toneless pinyin syllables."""

    person: bool
    surname: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    given_words: tuple[tuple[str, ...], ...] = ()  # given-name syllables grouped as written
    surname_chars: str = ""
    given_chars: str = ""
    places: tuple[tuple[tuple[str, ...], str], ...] = ()  # (syllables, english)
    trade: tuple[str, ...] = ()
    industry: tuple[tuple[tuple[str, ...], str], ...] = ()  # (syllables, english)
    trailing_places: tuple[tuple[tuple[str, ...], str], ...] = ()
    legal_form: str | None = None


def _strip_legal(chars: str) -> tuple[str, str | None]:
    for alias, canonical in cjk_legal_forms().items():
        if chars.endswith(alias) and len(chars) > len(alias):
            return chars[: -len(alias)], canonical
    return chars, None


def _match_prefix(syls: tuple[str, ...], table: dict[tuple[str, ...], str]) -> int:
    for size in range(min(5, len(syls)), 0, -1):
        if syls[:size] in table:
            return size
    return 0


def _match_suffix(syls: tuple[str, ...], table: dict[tuple[str, ...], str]) -> int:
    for size in range(min(4, len(syls)), 0, -1):
        if syls[-size:] in table:
            return size
    return 0


def _surname_reading(word: str) -> tuple[str, ...]:
    if len(word) == 1 and word in _SURNAME_READINGS:
        return (_SURNAME_READINGS[word],)
    return tuple(_plain(s) for s in _toned(word))


def _is_surname_word(word: str) -> bool:
    return len(word) == 1 or word in _COMPOUND_SURNAMES


def _person(core: str, chars: str, toned: tuple[str, ...]) -> ChineseName:
    """Surname and given name; spaced names may put the surname last (桂荣 兰 -> Lan Guirong)."""
    words = [w for w in (han_chars(part) for part in core.split()) if w]
    if len(words) >= 2:
        if words[0] in _COMPOUND_SURNAMES:
            surname_word, given = words[0], words[1:]
        elif _is_surname_word(words[-1]):
            surname_word, given = words[-1], words[:-1]
        elif _is_surname_word(words[0]):
            surname_word, given = words[0], words[1:]
        else:
            surname_word, given = words[0][:1], [words[0][1:], *words[1:]]
        given_words = tuple(tuple(_plain(s) for s in _toned(w)) for w in given if w)
        return ChineseName(
            person=True,
            surname=_surname_reading(surname_word),
            given=tuple(s for w in given_words for s in w),
            given_words=given_words,
            surname_chars=surname_word,
            given_chars="".join(given),
        )
    sur_len = 2 if chars[:2] in _COMPOUND_SURNAMES and len(chars) > 2 else 1
    given_syls = tuple(_plain(s) for s in toned[sur_len:])
    return ChineseName(
        person=True,
        surname=_surname_reading(chars[:sur_len]),
        given=given_syls,
        given_words=(given_syls,) if given_syls else (),
        surname_chars=chars[:sur_len],
        given_chars=chars[sur_len:],
    )


# Titles written after a name (金正恩委员长, 张先生, 李总经理).
_TITLES = (
    "委员长",
    "委員長",
    "总书记",
    "總書記",
    "董事长",
    "董事長",
    "总经理",
    "總經理",
    "经理",
    "經理",
    "主席",
    "元帅",
    "元帥",
    "将军",
    "將軍",
    "同志",
    "先生",
    "女士",
    "总统",
    "總統",
)


def _strip_titles(text: str) -> str:
    stripped = text.rstrip()
    for title in _TITLES:
        if stripped.endswith(title):
            rest = stripped[: -len(title)].rstrip()
            if 2 <= len(han_chars(rest)) <= 4:
                return rest
    return text


@lru_cache(maxsize=20_000)
def parse_chinese_name(text: str, person: bool | None = None) -> ChineseName | None:
    """Parse the Han characters of ``text`` as a company (place, trade, industry, legal form) or person.

    ``person`` True/False forces the reading; None guesses: a legal form or an industry word
    makes a company; otherwise two to four characters make a person.
    """
    # Bracketed places: 華信船務(香港)有限公司.
    trailing: list[tuple[tuple[str, ...], str]] = []
    core = text
    for open_b, close_b in (("(", ")"), ("（", "）")):
        while open_b in core and close_b in core.split(open_b, 1)[1]:
            before, rest = core.split(open_b, 1)
            inside, after = rest.split(close_b, 1)
            toned_inside = _toned(inside)
            if toned_inside and toned_inside in _places():
                trailing.append((tuple(_plain(s) for s in toned_inside), _places()[toned_inside]))
                core = before + after
            else:
                core = before + inside + after
    if person is not False:
        core = _strip_titles(core)
    chars = han_chars(core)
    if not chars:
        return None
    chars, legal = _strip_legal(chars)
    toned = _toned(chars)
    if not toned or len(toned) != len(chars):
        return None
    industries: list[tuple[tuple[str, ...], str]] = []
    rest = toned
    if person is not True:
        while len(rest) > 1 and len(industries) < 5:
            size = _match_suffix(rest, _industry())
            if not size or size == len(rest):
                break
            industries.insert(0, (tuple(_plain(s) for s in rest[-size:]), _industry()[rest[-size:]]))
            rest = rest[:-size]
    is_person = person
    if is_person is None:
        words = [w for w in (han_chars(part) for part in core.split()) if w]
        spaced_person = (
            2 <= len(words) <= 3
            and len(chars) <= 6
            and any(_is_surname_word(w) for w in (words[0], words[-1]))
        )
        is_person = (
            legal is None
            and not industries
            and not trailing
            and (2 <= len(chars) <= 4 or spaced_person)
            and not (len(chars) > 2 and _match_prefix(toned, _places()))
        )
    if is_person:
        return _person(core, chars, toned)
    places: list[tuple[tuple[str, ...], str]] = []
    rest_chars = chars[: len(rest)]
    while len(rest) > 1 and len(places) < 3:
        size = _match_prefix(rest, _places())
        if not size or size == len(rest):
            break
        places.append((tuple(_plain(s) for s in rest[:size]), _places()[rest[:size]]))
        rest, rest_chars = rest[size:], rest_chars[size:]
        if len(rest) > 1 and rest_chars[:1] in _ADMIN_SUFFIX:
            rest, rest_chars = rest[1:], rest_chars[1:]
    return ChineseName(
        person=False,
        places=tuple(places),
        trade=tuple(_plain(s) for s in rest),
        industry=tuple(industries),
        trailing_places=tuple(trailing),
        legal_form=legal,
    )


# --- Korean readings (Hanja) ------------------------------------------------------------------

#: Characters that are Korean surnames (金 Kim, 李 Ri, 朴 Pak, 崔 Choe...), simplified and traditional.
KOREAN_SURNAME_HANJA = frozenset(
    "金李朴崔郑鄭丁姜康赵趙曹尹张張林任韩韓吴吳申权權黄黃安宋柳刘劉全洪高文梁孙孫裴白许許南卢盧河夏郭成"
    "车車朱周禹具闵閔罗羅陈陳池严嚴蔡元千方孔玄咸卞廉吕呂秋都苏蘇石薛马馬吉延魏表明奇潘王琴玉陆陸印孟"
    "诸諸牟卓鞠太桂"
)


@lru_cache(maxsize=1)
def _hanja() -> dict[str, str]:
    text = resources.files("interdict.names").joinpath("data/hanja_readings.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    out: dict[str, str] = {}
    for row in rows:
        for char in row["chars"]:
            out.setdefault(char, row["hangul"])
    return out


def korean_reading(chars: str) -> str | None:
    """Hangul (Sino-Korean, DPRK spelling) of Chinese characters, or None if one is not in the table.

    金铁三 -> 김철삼 (UN KPi.035 KIM CHOL SAM, a.k.a. Jin Tiesan 金铁三).
    """
    table = _hanja()
    out = []
    for char in chars:
        if not is_han(char):
            continue
        reading = table.get(char)
        if reading is None:
            return None
        out.append(reading)
    return "".join(out) or None
