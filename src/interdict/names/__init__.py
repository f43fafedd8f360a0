"""Names across scripts and romanisations: comparable forms, spelling keys, legal forms.

The matching engine codes against three functions:

- :func:`comparable_forms` -> list of :class:`NameForm` (every comparable Latin spelling of a
  name: Hangul in DPRK/MR/RR, Hanzi in pinyin/translated/Wade–Giles, legal form removed);
- :func:`token_key` -> a key equal for spelling variants of one word (Ri/Lee/Rhee, Chol/Cheol,
  Zhang/Chang);
- :func:`split_syllables` -> romanised Korean given names segmented ("jongun" -> jong un).

See docs/names.md for the forms produced, the tables and the limits.
"""

from __future__ import annotations

from interdict.names.acronyms import acronym, initials, looks_like_acronym
from interdict.names.chinese import korean_reading, parse_chinese_name, pinyin_to_wade_giles, to_pinyin
from interdict.names.companies import OrgParts, split_org_parts
from interdict.names.cyrillic_korean import cyrillic_korean_tokens
from interdict.names.forms import (
    NameForm,
    comparable_forms,
    is_syllabic_name,
    korean_person_parts,
    normalize_name,
)
from interdict.names.korean import (
    is_korean_surname,
    parse_hangul_name,
    romanize_person,
    romanize_word,
    split_syllables,
    surname_spellings,
)
from interdict.names.org_types import legal_form_family, legal_forms, legal_forms_compatible, strip_legal_form
from interdict.names.phonetic import loose_key, name_key, token_key
from interdict.names.scripts import detect_scripts, has_han, has_hangul
from interdict.names.tokenize import latin_tokens

__all__ = [
    "is_syllabic_name",
    "NameForm",
    "comparable_forms",
    "normalize_name",
    "token_key",
    "loose_key",
    "name_key",
    "split_syllables",
    "split_korean_given",
    "korean_person_parts",
    "is_korean_surname",
    "surname_spellings",
    "romanize_word",
    "romanize_person",
    "parse_hangul_name",
    "to_pinyin",
    "pinyin_to_wade_giles",
    "parse_chinese_name",
    "korean_reading",
    "cyrillic_korean_tokens",
    "strip_legal_form",
    "OrgParts",
    "split_org_parts",
    "legal_forms",
    "legal_form_family",
    "legal_forms_compatible",
    "acronym",
    "initials",
    "looks_like_acronym",
    "detect_scripts",
    "has_hangul",
    "has_han",
    "latin_tokens",
]


def split_korean_given(tokens: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Given-name tokens as Korean syllables: ("Jong-un",) / ("jongun",) / ("jong", "un") -> ("jong", "un").

    Tokens that do not segment as romanised Korean are kept as they are (lower-cased).
    """
    out: list[str] = []
    for token in tokens:
        for part in latin_tokens(token) if isinstance(token, str) else ():
            syllables = split_syllables(part)
            out.extend(syllables if syllables else (part,))
    return tuple(out)
