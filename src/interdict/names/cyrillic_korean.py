"""Korean names written in Cyrillic (Russian documents: Ким Чен Ын, Ли Пён Чхоль, Чхве Рён Хэ).

Russian writes Korean names in the Kontsevich system (ㅊ чх, ㅈ ч/чж, ㅡ ы, ㅓ о, ㅕ ё, ㅐ э,
aspirates with х) or in the older tradition (정 Чен, 일 Ир). A plain Russian transliteration
gives ``kim chen yn``, which shares nothing with KIM JONG UN. When a Cyrillic name starts (or
ends) with a Korean surname in Cyrillic, this module spells it back as lists spell Korean:
surname by table, syllables mapped Kontsevich -> DPRK-style Latin (Ын -> un, Чхоль -> chol,
Пхеньян -> phyonyan), the traditional 정 Чен / 일 Ир kept as Jong / Il.

Kontsevich writes final ㄴ and ㅇ both as н, so Чон is Jon or Jong: we write n, and matching's
fuzzy token comparison covers the missing g.
"""

from __future__ import annotations

import re
from functools import lru_cache

from interdict.names.korean import split_syllables

__all__ = ["KOREAN_SURNAMES_CYRILLIC", "cyrillic_korean_tokens", "with_likely_ng"]

#: Korean surnames in Cyrillic (Kontsevich, Koryo-saram and traditional spellings) -> list spelling.
KOREAN_SURNAMES_CYRILLIC = {
    "ким": "kim",
    "ли": "ri",
    "ри": "ri",
    "пак": "pak",
    "чхве": "choe",
    "цой": "choe",
    "чве": "choe",
    "чон": "jong",
    "чен": "jong",
    "тен": "jong",
    "хан": "han",
    "кан": "kang",
    "ро": "ro",
    "но": "ro",
    "о": "o",
    "со": "so",
    "юн": "yun",
    "чан": "jang",
    "чо": "jo",
    "тё": "jo",
    "пэк": "paek",
    "мун": "mun",
    "хон": "hong",
    "ко": "ko",
    "сон": "song",
    "син": "sin",
    "ан": "an",
    "хван": "hwang",
    "квон": "kwon",
    "рю": "ryu",
    "ю": "yu",
    "лим": "rim",
    "им": "rim",
    "рим": "rim",
    "нам": "nam",
    "пэ": "pae",
    "пён": "pyon",
    "кым": "kum",
    "тхэ": "thae",
    "хён": "hyon",
    "ём": "yom",
    "мин": "min",
    "чу": "ju",
    "ку": "ku",
    "ха": "ha",
    "ок": "ok",
    "ян": "yang",
    "рян": "ryang",
    "ча": "cha",
    "кок": "kwak",
}
# fmt: off
# Longest first. Kontsevich and traditional Russian spellings of Korean sounds -> DPRK-style Latin.
_MAP = [
    ("чхв", "chw"), ("чж", "j"), ("дж", "j"), ("чх", "ch"), ("чч", "jj"), ("кх", "kh"), ("тх", "th"), ("пх", "ph"),
    ("кк", "kk"), ("тт", "tt"), ("пп", "pp"), ("сс", "ss"), ("ль", "l"), ("ый", "ui"), ("ын", "un"),
    ("ва", "wa"), ("во", "wo"), ("ве", "we"), ("ви", "wi"), ("вэ", "wae"),
    ("ч", "j"), ("ц", "ch"), ("ы", "u"), ("ё", "yo"), ("э", "ae"), ("е", "e"), ("ю", "yu"), ("я", "ya"),
    ("й", "i"), ("а", "a"), ("о", "o"), ("у", "u"), ("и", "i"), ("к", "k"), ("г", "g"), ("т", "t"),
    ("д", "d"), ("п", "p"), ("б", "b"), ("с", "s"), ("м", "m"), ("н", "n"), ("л", "l"), ("р", "r"),
    ("х", "h"), ("в", "w"), ("ж", "j"), ("з", "j"), ("ш", "s"), ("щ", "s"), ("ф", "p"), ("ь", ""), ("ъ", ""),
]
# fmt: on
_MAP_RE = re.compile("|".join(re.escape(k) for k, _ in sorted(_MAP, key=lambda kv: -len(kv[0]))))
_MAP_D = dict(_MAP)
# Traditional Russian spellings of the most frequent name syllables (Ким Чен Ын, Ким Чен Ир).
_TRADITIONAL = {"чен": "jong", "ир": "il", "ен": "yong", "сен": "song", "хен": "hyon", "мен": "myong"}
_CYRILLIC_WORD = re.compile(r"^[а-яё]+$")


def _syllable_word(word: str) -> str:
    if word in _TRADITIONAL:
        return _TRADITIONAL[word]
    latin = _MAP_RE.sub(lambda m: _MAP_D[m.group(0)], word)
    # Final ㄹ is written р in the traditional style (Ир): Korean syllables end in l, not r.
    return latin[:-1] + "l" if latin.endswith("r") else latin


@lru_cache(maxsize=20_000)
def cyrillic_korean_tokens(text: str) -> tuple[str, ...] | None:
    """Latin tokens of a Korean name written in Cyrillic, surname first; None if it does not read as one.

    Two to four words, one of them (first or last) a Korean surname in Cyrillic, every other word
    short (at most three syllables' worth of letters).
    """
    words = [w for w in re.split(r"[\s\-,.]+", text.lower()) if w]
    if not 2 <= len(words) <= 4 or not all(_CYRILLIC_WORD.match(w) for w in words):
        return None
    if words[0] in KOREAN_SURNAMES_CYRILLIC:
        surname, given = words[0], words[1:]
    elif words[-1] in KOREAN_SURNAMES_CYRILLIC:
        surname, given = words[-1], words[:-1]
    else:
        return None
    syllables = [_syllable_word(w) for w in given]
    for syllable in syllables:
        parts = split_syllables(syllable)
        if parts is None or len(parts) != 1:
            return None  # Виктор, Владимирович: not Korean syllables written one by one
    return (KOREAN_SURNAMES_CYRILLIC[surname], *syllables)


# Kontsevich writes final ㅇ as н, like final ㄴ. These syllables are far more frequent in Korean
# given names with ㅇ (병 Pyong, 명 Myong, 정 Jong, 영 Yong, 룡 Ryong, 성 Song, 광 Kwang, 경 Kyong)
# than with ㄴ, so the "-ng" spelling is offered as a second form.
_NG_LIKELY = frozenset(
    {"pyon", "myon", "jon", "yon", "ryon", "son", "kwan", "kyon", "chan", "jan", "kan", "hyan"}
    | {"bon", "pon", "don", "ton", "hon"}
)


def with_likely_ng(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Given-name syllables of :func:`cyrillic_korean_tokens` with the likely final ㅇ restored."""
    return (tokens[0], *(t + "g" if t in _NG_LIKELY else t for t in tokens[1:]))
