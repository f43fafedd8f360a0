"""Value normalisers for the attributes companies share: phones, e-mails, websites, addresses, names.

Every function returns ``None`` for junk so that a bad value never links two entities. The address
functions give two keys: :func:`address_key` (the whole address, for "same address") and
:func:`building_key` (street name + house number with rooms, units, floors and direction words
removed, for "same building or complex", typology TP-02). Chinese text is turned into pinyin with
``pypinyin`` so that 滨江中路99号 and "No. 99 Binjiang Middle Rd" reach the same building key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "norm_phone",
    "norm_email",
    "norm_website",
    "norm_identifier",
    "address_key",
    "building_key",
    "name_key",
    "ascii_text",
]

_HAN = re.compile(r"[\u3400-\u9fff]+")


@lru_cache(maxsize=100_000)
def ascii_text(text: str) -> str:
    """Lower-case ASCII: Han runs become pinyin syllables joined (one token per run), accents dropped."""
    if not text:
        return ""

    def _pinyin(match: re.Match[str]) -> str:
        from pypinyin import lazy_pinyin

        return " " + "".join(lazy_pinyin(match.group(0))) + " "

    text = _HAN.sub(_pinyin, text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.encode("ascii", "ignore").decode("ascii").lower()


def norm_phone(value: str | None) -> str | None:
    """Digits of a phone number, country code 86/7/850 and trunk 0 removed, last 10 kept; None if short."""
    if not value or not isinstance(value, str):
        return None
    digits = re.sub(r"\D", "", value)
    if digits.startswith("00"):
        digits = digits[2:]
    for cc in ("850", "86", "7"):
        if value.strip().startswith(("+", "00")) and digits.startswith(cc) and len(digits) - len(cc) >= 7:
            digits = digits[len(cc) :]
            break
    digits = digits.lstrip("0")
    if len(digits) < 7:
        return None
    return digits[-10:]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


def norm_email(value: str | None) -> str | None:
    if not value or not isinstance(value, str):
        return None
    text = value.strip().lower().removeprefix("mailto:")
    return text if _EMAIL.match(text) else None


def norm_website(value: str | None) -> str | None:
    """Host name without scheme, ``www.`` and path; None when it does not look like a domain."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.split("/")[0].split("?")[0].split(":")[0]
    text = text.removeprefix("www.")
    if "." not in text or not re.match(r"^[a-z0-9.-]+$", text):
        return None
    return text


def norm_identifier(value: str | None) -> str | None:
    """Registration numbers, USCC, bank accounts: upper-case letters and digits only; None if < 5."""
    if not value or not isinstance(value, str):
        return None
    text = re.sub(r"[^0-9A-Za-z]", "", value).upper()
    return text if len(text) >= 5 else None


# --- addresses -------------------------------------------------------------------------------------

_ADDR_SYNONYMS = {
    "rd": "road", "lu": "road", "road": "road", "st": "street", "str": "street", "street": "street",
    "jie": "street", "dajie": "street", "ave": "avenue", "avenue": "avenue", "ul": "street",
    "ulitsa": "street", "ulica": "street", "lane": "lane", "ln": "lane", "hutong": "lane",
    "dao": "road", "dadao": "avenue", "blvd": "avenue", "boulevard": "avenue",
}
_DIRECTION = {"middle", "mid", "zhong", "east", "dong", "west", "xi", "north", "bei", "south", "nan",
              "central", "upper", "lower"}
_UNIT_WORDS = {"room", "rm", "unit", "bldg", "building", "floor", "fl", "flat", "suite", "ste", "apt",
               "block", "blk", "shi", "danyuan", "lou", "ceng", "hao", "haolou", "office", "kv", "kvartira",
               "korpus", "stroenie", "tower"}
_ADMIN_WORDS = {"province", "sheng", "city", "shi", "district", "qu", "county", "xian", "china", "prc",
                "zhen", "town", "village", "cun", "p", "r", "c", "peoples", "republic", "of", "the",
                "dom", "d", "no", "number", "zone", "area"}
_STREET_TYPES = set(_ADDR_SYNONYMS)
_COMPLEX_WORDS = {"square", "plaza", "building", "mansion", "tower", "center", "centre", "dasha",
                  "guangchang", "zhongxin", "garden", "huayuan"}

# Chinese address: [..][street name][中/东/...]?[路/街/大街/道/大道][number](-\d+)?号?
_ZH_STREET = re.compile(r"([\u4e00-\u9fff]{2,6}?)(?:[中东西南北])?(大街|大道|路|街|道|巷)(\d+)")


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]+|\d+", text)


@lru_cache(maxsize=200_000)
def address_key(value: str | None) -> str | None:
    """Whole address, normalised: ASCII tokens, synonyms unified, punctuation and admin words dropped."""
    if not value or not isinstance(value, str):
        return None
    toks = [_ADDR_SYNONYMS.get(t, t) for t in _tokens(ascii_text(value))]
    toks = [t for t in toks if t not in _ADMIN_WORDS]
    if len(toks) < 2:
        return None
    return " ".join(toks)


@lru_cache(maxsize=200_000)
def building_key(value: str | None) -> str | None:
    """Street name and base house number (``binjiang|99``): the building or complex, not the room."""
    if not value or not isinstance(value, str):
        return None
    zh = _ZH_STREET.search(value)
    if zh:
        name = re.sub(r"(省|市|区|县|镇)", " ", zh.group(1)).split()[-1]
        name = ascii_text(name).replace(" ", "")
        if name:
            return f"{name}|{int(zh.group(3))}"
    text = ascii_text(value)
    # "99-3" and "113/5": keep the base number only
    text = re.sub(r"(\d+)\s*[-/]\s*\d+", r"\1", text)
    toks = _tokens(text)
    street_at = [i for i, t in enumerate(toks) if t in _STREET_TYPES]
    if not street_at:
        # a named complex without a street: "Jiadi Square", "Jiadi Building" -> "jiadi|complex"
        for i, t in enumerate(toks):
            if t in _COMPLEX_WORDS and i > 0 and toks[i - 1].isalpha() and toks[i - 1] not in _ADMIN_WORDS:
                return f"{toks[i - 1]}|complex"
        return None
    pos = street_at[0]
    name_toks: list[str] = []
    j = pos - 1
    while j >= 0 and len(name_toks) < 2:
        t = toks[j]
        if t.isdigit() or t in _UNIT_WORDS or t in _ADMIN_WORDS:
            break
        if t not in _DIRECTION:
            name_toks.insert(0, t)
        j -= 1
    if not name_toks:
        # "Street Vokzalnaya 5" / "ul. Lenina 5": name follows the street type
        k = pos + 1
        while k < len(toks) and len(name_toks) < 2 and not toks[k].isdigit():
            if toks[k] not in _DIRECTION and toks[k] not in _UNIT_WORDS:
                name_toks.append(toks[k])
            k += 1
    if not name_toks:
        return None
    # house number: right before the street name ("99 Binjiang Rd"), else after "no"/"dom" (not
    # "building number 3"), else right after the street type ("Binjiang Lu 99"), else the nearest
    number = None
    first_name = j + 1
    k = first_name - 1
    run: list[str] = []
    while k >= 0 and (toks[k].isdigit() or toks[k] in ("no", "number", "dom", "d", "hao")):
        if toks[k].isdigit():
            run.append(toks[k])
        elif run:
            k -= 1
            break
        k -= 1
    if run and not (k >= 0 and toks[k] in _UNIT_WORDS - {"building"} and len(run) == 1):
        number = run[-1]  # "No 99 3 1 Binjiang Rd": the first number of the run is the house number
    if number is None:
        for i, t in enumerate(toks):
            if t in ("no", "dom", "d", "number") and i + 1 < len(toks) and toks[i + 1].isdigit() \
                    and not (i > 0 and toks[i - 1] in _UNIT_WORDS):
                number = toks[i + 1]
                break
    if number is None and pos + 1 < len(toks):
        nxt = toks[pos + 1 : pos + 3]
        for t in nxt:
            if t.isdigit():
                number = t
                break
            if t not in ("no", "number", "dom", "d"):
                break
    if number is None:
        cands = []
        for i, t in enumerate(toks):
            if t.isdigit() and not (i > 0 and toks[i - 1] in _UNIT_WORDS):
                cands.append((abs(i - pos), i, t))
        if cands:
            number = sorted(cands)[0][2]
    if number is None:
        return None
    return f"{''.join(name_toks)}|{int(number)}"


# --- names -----------------------------------------------------------------------------------------

_GENERIC_EN = {
    "co", "ltd", "limited", "company", "corp", "corporation", "inc", "llc", "jsc", "ooo", "oao", "pte",
    "industrial", "industry", "industries", "development", "trade", "trading", "economy", "economic",
    "technology", "technologies", "tech", "network", "networks", "information", "international",
    "import", "export", "group", "general", "holding", "holdings", "the", "and", "of", "commerce",
    "commercial", "science", "services", "service", "enterprise", "enterprises", "materials", "material",
    "metallic", "jv", "joint", "venture", "liability", "private", "public", "intl", "imp", "exp",
}
_GENERIC_ZH = ["有限责任公司", "股份有限公司", "有限公司", "公司", "集团", "实业", "发展", "进出口", "经贸", "商贸",
               "贸易", "科技", "网络", "技术", "信息", "工业", "国际", "合营", "合资", "企业", "责任"]


@lru_cache(maxsize=200_000)
def name_key(value: str | None) -> str | None:
    """Distinctive core of a company name, compact (``dandonghongxiang``), same for Chinese and English.

    Generic words (legal forms, "trading", "technology", 贸易, 科技...) are removed in both languages,
    the rest is transliterated and the spaces removed. None when fewer than 5 letters remain.
    """
    if not value or not isinstance(value, str):
        return None
    text = value
    if _HAN.search(text):
        for word in _GENERIC_ZH:
            text = text.replace(word, " ")
    toks = [t for t in re.findall(r"[a-z0-9]+", ascii_text(text)) if t not in _GENERIC_EN]
    key = "".join(toks)
    return key if len(key) >= 5 else None
