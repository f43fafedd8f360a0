"""Check digits and country prefixes of identifiers found in trade and company records.

Rules and worked examples come from section 5.3 of the domain register
(``/work/shared/domain/dprk-typologies.md``):

* IMO ship number: 7 digits, check = sum(first six x 7,6,5,4,3,2) mod 10 (S91, grade A).
  Example ORIENTAL TREASURE IMO 9115028.
* IMO company / registered-owner number: check = (11 - sum(first six x 8,6,4,2,9,7) mod 11) mod 10
  (S91, grade B). Example HONGXIANG MARINE HONG KONG LTD 5857588.
* MMSI: 9 digits whose Maritime Identification Digits (MID) name the flag; 445 is the DPRK (S92, grade A).
* PRC Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from
  ``0-9A-Y`` without I, O, S, V, Z; positions 3-8 are the GB/T 2260 region code of the registering
  authority; position 18 is a mod-31 check character (S83, grade A). Example Yanbian Silverstar
  91222401MA0Y31E659 -> region 222401 (Yanji).
* PRC resident ID (GB 11643): 18 characters, first six the region code, last a mod-11 check (S52/S80).

Every function is value-level: junk in gives ``None`` or ``False`` out, never an exception.
"""

from __future__ import annotations

import re

__all__ = [
    "normalize_imo",
    "imo_valid",
    "imo_company_valid",
    "mmsi_mid",
    "mmsi_country",
    "mmsi_is_dprk",
    "uscc_valid",
    "uscc_region",
    "resident_id_valid",
    "resident_id_region",
    "MID_COUNTRIES",
]

_IMO_RE = re.compile(r"^\s*(?:imo)?[\s:.#-]*(\d{7})\s*$", re.IGNORECASE)


def normalize_imo(value: object) -> str | None:
    """``'IMO 9115028'``, ``'9115028'`` or ``9115028`` -> ``'9115028'``; anything else -> None."""
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # numbers read from spreadsheets
        text = text[:-2]
    m = _IMO_RE.match(text)
    return m.group(1) if m else None


def imo_valid(value: object) -> bool:
    """True when ``value`` is an IMO ship number whose check digit is right (S91)."""
    digits = normalize_imo(value)
    if digits is None:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], (7, 6, 5, 4, 3, 2), strict=True))
    return total % 10 == int(digits[6])


def imo_company_valid(value: object) -> bool:
    """True when ``value`` is an IMO company/registered-owner number with a right check digit."""
    digits = normalize_imo(value)
    if digits is None:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], (8, 6, 4, 2, 9, 7), strict=True))
    return (11 - total % 11) % 10 == int(digits[6])


# ITU Maritime Identification Digits for the flags that matter here (S92). Not a full table.
MID_COUNTRIES: dict[str, str] = {
    "445": "kp",
    "440": "kr",
    "441": "kr",
    "412": "cn",
    "413": "cn",
    "414": "cn",
    "477": "hk",
    "453": "mo",
    "416": "tw",
    "273": "ru",
    "431": "jp",
    "432": "jp",
    "574": "vn",
    "616": "km",  # Comoros: ORIENTAL TREASURE's flag
    "667": "sl",
    "511": "pw",
    "576": "vu",
    "577": "vu",
    "457": "mn",
    "352": "pa",
    "353": "pa",
    "354": "pa",
    "355": "pa",
    "356": "pa",
    "357": "pa",
    "370": "pa",
    "371": "pa",
    "372": "pa",
    "373": "pa",
    "374": "pa",
}


def mmsi_mid(value: object) -> str | None:
    """The three MID digits of a 9-digit MMSI (ship, coast station, craft, SAR aircraft), or None."""
    if value is None:
        return None
    text = re.sub(r"[\s-]", "", str(value))
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) != 9 or not text.isdigit():
        return None
    if text.startswith("111"):
        mid = text[3:6]
    elif text.startswith(("98", "99", "00")):
        mid = text[2:5]
    elif text[0] in "08":
        mid = text[1:4]
    elif text[0] in "234567":
        mid = text[:3]
    else:  # 9xx other than 98/99 are SART/MOB/EPIRB devices without a flag
        return None
    return mid if mid[0] in "234567" else None


def mmsi_country(value: object) -> str | None:
    """ISO-3166 alpha-2 (lower case) of the MMSI's flag when the MID is in :data:`MID_COUNTRIES`."""
    mid = mmsi_mid(value)
    return MID_COUNTRIES.get(mid) if mid else None


def mmsi_is_dprk(value: object) -> bool:
    """True for an MMSI whose MID is 445 (DPRK flag, S92 grade A)."""
    return mmsi_mid(value) == "445"


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _clean_code(value: object) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[\s-]", "", str(value)).upper()
    return text or None


def uscc_valid(value: object) -> bool:
    """True for an 18-character USCC whose mod-31 check character is right (GB 32100-2015, S83)."""
    code = _clean_code(value)
    if code is None or len(code) != 18 or any(c not in _USCC_VALUE for c in code):
        return False
    if not code[2:8].isdigit():
        return False
    total = sum(_USCC_VALUE[c] * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return _USCC_CHARS[check] == code[17]


def uscc_region(value: object, *, require_valid: bool = True) -> str | None:
    """The 6-digit GB/T 2260 region code in a USCC (positions 3-8), or None.

    With ``require_valid`` (the default) a code whose check character is wrong gives None, because a
    mistyped code may point at the wrong county.
    """
    code = _clean_code(value)
    if code is None or len(code) != 18:
        return None
    if require_valid and not uscc_valid(code):
        return None
    region = code[2:8]
    return region if region.isdigit() else None


_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK = "10X98765432"


def resident_id_valid(value: object) -> bool:
    """True for an 18-character PRC resident ID whose mod-11 check character is right (GB 11643)."""
    code = _clean_code(value)
    if code is None or len(code) != 18 or not code[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(code[:17], _RID_WEIGHTS, strict=True))
    return _RID_CHECK[total % 11] == code[17]


def resident_id_region(value: object, *, require_valid: bool = True) -> str | None:
    """The 6-digit region code at the start of a PRC resident ID (15 or 18 digits), or None."""
    code = _clean_code(value)
    if code is None:
        return None
    if len(code) == 15 and code.isdigit():
        return code[:6]
    if len(code) != 18 or not code[:17].isdigit():
        return None
    if require_valid and not resident_id_valid(code):
        return None
    return code[:6]
