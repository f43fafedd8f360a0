"""Goods: HS 2022 code checks, description -> category/HS classification, product models -> ECCN.

* :func:`check_hs` validates a declared code against the bundled HS 2022 nomenclature
  (``interdict/data/hs``, see its PROVENANCE.md). 8- and 10-digit national codes are checked through
  their 6-digit root; codes that lost a leading zero in a spreadsheet are repaired and said so.
* :func:`classify` reads an English and/or Chinese goods description and returns the goods categories
  of the ``categories:`` section of ``rules/trade.yml`` (computers, GPUs, phones, luxury goods...), the
  HS heading to suggest when no code was declared, and the product models it names.
* :func:`hs_fits` says whether a declared code fits a category (graphics cards declared as toys do not).

Value-level functions: junk in gives ``None`` or an empty result, never an exception.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from interdict.exc import InvalidRulePack
from interdict.rules import RULES_DIR

__all__ = [
    "HSCode",
    "Category",
    "ProductModel",
    "ModelMatch",
    "Classification",
    "check_hs",
    "hs_description",
    "classify",
    "detect_models",
    "hs_fits",
    "categories",
    "product_models",
    "nomenclature",
]


# ------------------------------------------------------------------------------------ HS codes


@dataclass(frozen=True)
class _Nomenclature:
    codes: dict[str, tuple[str, int]]  # code -> (description, level 2/4/6)
    sections: dict[str, str]


@lru_cache(maxsize=1)
def nomenclature() -> _Nomenclature:
    """The bundled HS 2022 nomenclature: chapters, headings and 6-digit subheadings."""
    base = resources.files("interdict") / "data" / "hs"
    codes: dict[str, tuple[str, int]] = {}
    with (base / "harmonized-system_hs2022.csv.gz").open("rb") as raw:
        text = io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8-sig")
        for row in csv.DictReader(text):
            code = (row.get("hscode") or "").strip()
            if code.isdigit() and len(code) in (2, 4, 6):
                codes[code] = ((row.get("description") or "").strip(), len(code))
    sections: dict[str, str] = {}
    with (base / "hs_sections.csv.gz").open("rb") as raw:
        text = io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8-sig")
        for row in csv.DictReader(text):
            sections[(row.get("section") or "").strip()] = (row.get("name") or "").strip()
    return _Nomenclature(codes, sections)


@dataclass(frozen=True)
class HSCode:
    """A declared HS code after checking: ``code`` is the normalised digits, ``root`` what was checked."""

    raw: str
    code: str | None
    root: str | None
    valid: bool
    chapter: int | None
    heading: str | None
    description: str | None
    problem: str | None = None
    repaired: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = {"raw": self.raw, "code": self.code, "valid": self.valid, "chapter": self.chapter,
               "description": self.description, "problem": self.problem}
        return {k: v for k, v in out.items() if v is not None}


def _normalize_hs(raw: str) -> tuple[str | None, bool, str | None]:
    """Digits of a declared code, whether a lost leading zero was restored, and a problem if any."""
    text = raw.strip().upper().removeprefix("HS").strip().strip(":").strip()
    if not text:
        return None, False, "empty HS code"
    if re.fullmatch(r"\d{1,4}(?:\.\d{1,2}){1,3}|\d{1,4}\.\d{3,6}", text):
        head, _, rest = text.partition(".")
        if len(head) < 4:
            head = head.zfill(4) if len(head) == 3 else head
        rest = rest.replace(".", "")
        if len(rest) % 2:
            rest += "0"  # 8471.3 is 8471.30 with its trailing zero lost
        digits = head + rest
        return (digits, False, None) if len(digits) in (4, 6, 8, 10) else (None, False, f"malformed HS code {raw!r}")
    compact = re.sub(r"[\s\-.]", "", text)
    if compact.endswith("0") and re.fullmatch(r"\d+\.0", text):
        compact = text[:-2]
    if not compact.isdigit():
        return None, False, f"HS code {raw!r} is not numeric"
    if len(compact) in (1, 3, 5, 7, 9):
        return compact.zfill(len(compact) + 1), True, None
    if len(compact) in (2, 4, 6, 8, 10):
        return compact, False, None
    return None, False, f"HS code {raw!r} has {len(compact)} digits (expected 2, 4, 6, 8 or 10)"


@lru_cache(maxsize=65536)
def _check_hs(raw: str) -> HSCode:
    digits, repaired, problem = _normalize_hs(raw)
    if digits is None:
        return HSCode(raw, None, None, False, None, None, None, problem)
    codes = nomenclature().codes
    chapter_code = digits[:2]
    chapter = int(chapter_code) if chapter_code in codes else None
    heading = digits[:4] if len(digits) >= 4 and digits[:4] in codes else None
    root = digits[:6] if len(digits) >= 6 else digits
    if root in codes:
        note = "leading zero restored" if repaired else None
        return HSCode(raw, digits, root, True, chapter, heading, codes[root][0], note, repaired)
    if heading:
        problem = f"HS subheading {root} is not in HS 2022 (heading {heading} is; an older HS edition's code?)"
    elif chapter is not None:
        problem = f"HS heading {digits[:4]} is not in HS 2022 (chapter {chapter_code} is)"
    else:
        problem = f"HS code {digits} is not in HS 2022"
    desc = codes[heading][0] if heading else (codes[chapter_code][0] if chapter is not None else None)
    return HSCode(raw, digits, root, False, chapter, heading, desc, problem, repaired)


def check_hs(value: object) -> HSCode | None:
    """Check a declared HS code; None when nothing was declared."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN from a spreadsheet
            return None
        value = f"{value:.0f}" if value.is_integer() else repr(value)
    text = str(value).strip()
    if not text or text.lower() in ("nan", "none", "null", "-", "n/a"):
        return None
    return _check_hs(text[:40])


def hs_description(code: str) -> str | None:
    """Description of an HS chapter, heading or subheading (2, 4 or 6 digits)."""
    item = nomenclature().codes.get(code)
    return item[0] if item else None


# ------------------------------------------------------------------------------------ categories


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    hs: tuple[str, ...]
    classify_to: str
    mismatch: bool
    keywords: tuple[str, ...]
    not_words: tuple[str, ...]
    order: int

    @property
    def chapters(self) -> frozenset[str]:
        return frozenset(h[:2] for h in self.hs)


@dataclass(frozen=True)
class ProductModel:
    id: str
    label: str
    pattern: re.Pattern[str]
    context: tuple[str, ...]
    eccn: str
    system_eccn: str
    source_id: str
    grade: str
    note: str | None
    category: str


@dataclass(frozen=True)
class ModelMatch:
    model: ProductModel
    text: str
    eccn: str
    system: bool

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model.label, "matched": self.text, "eccn": self.eccn,
                "source_id": self.model.source_id, "grade": self.model.grade}


@dataclass(frozen=True)
class Classification:
    """What a description says: categories found (primary first), keywords, models, suggested HS."""

    categories: tuple[Category, ...] = ()
    keywords: tuple[str, ...] = ()
    models: tuple[ModelMatch, ...] = ()
    suggested_hs: str | None = None
    vetoed: tuple[str, ...] = field(default=())

    @property
    def primary(self) -> Category | None:
        return self.categories[0] if self.categories else None

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.categories)


_SYSTEM_WORDS = re.compile(r"\b(server|servers|system|dgx|hgx|node|cluster|workstation)\b|服务器|整机|系统")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _pack_path() -> Path:
    return RULES_DIR / "trade.yml"


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[Category, ...], tuple[ProductModel, ...]]:
    path = _pack_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidRulePack(f"{path}: cannot read: {exc}") from exc
    cats: list[Category] = []
    for pos, raw in enumerate(data.get("categories") or []):
        try:
            cats.append(Category(
                id=str(raw["id"]), label=str(raw["label"]), hs=tuple(str(h) for h in raw["hs"]),
                classify_to=str(raw["classify_to"]), mismatch=bool(raw.get("mismatch", False)),
                keywords=tuple(str(k).lower() for k in raw["keywords"]),
                not_words=tuple(str(k).lower() for k in raw.get("not") or ()), order=pos,
            ))
        except (KeyError, TypeError) as exc:
            raise InvalidRulePack(f"{path}: category #{pos} ({raw!r:.60}): missing {exc}") from exc
    models: list[ProductModel] = []
    for pos, raw in enumerate(data.get("product_models") or []):
        try:
            models.append(ProductModel(
                id=str(raw["id"]), label=str(raw["label"]), pattern=re.compile(raw["pattern"], re.IGNORECASE),
                context=tuple(str(c).lower() for c in raw.get("context") or ()), eccn=str(raw["eccn"]),
                system_eccn=str(raw.get("system_eccn") or raw["eccn"]), source_id=str(raw["source_id"]),
                grade=str(raw["grade"]), note=raw.get("note"),
                category=str(raw.get("category") or ("servers" if "dgx" in raw["id"] else "gpu")),
            ))
        except (KeyError, TypeError, re.error) as exc:
            raise InvalidRulePack(f"{path}: product model #{pos}: {exc}") from exc
    return tuple(cats), tuple(models)


def categories() -> dict[str, Category]:
    return {c.id: c for c in _load()[0]}


def product_models() -> tuple[ProductModel, ...]:
    return _load()[1]


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, dict[str, list[Category]]]:
    cats = _load()[0]
    by_kw: dict[str, list[Category]] = {}
    for c in cats:
        for k in c.keywords:
            by_kw.setdefault(k, []).append(c)
    latin = sorted((k for k in by_kw if not _HAN.search(k)), key=len, reverse=True)
    han = sorted((k for k in by_kw if _HAN.search(k)), key=len, reverse=True)
    latin_re = re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(k) for k in latin) + r")(?![a-z0-9])") if latin else None
    han_re = re.compile("(" + "|".join(re.escape(k) for k in han) + ")") if han else None
    return latin_re, han_re, by_kw


def _word_in(word: str, text: str) -> bool:
    if _HAN.search(word):
        return word in text
    return re.search(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", text) is not None


def detect_models(description: object) -> list[ModelMatch]:
    """Accelerator / GPU models named in a description (section 3.3), with the ECCN they point to."""
    if not isinstance(description, str) or not description.strip():
        return []
    return list(_classify(description[:4000].lower()).models)


@lru_cache(maxsize=65536)
def _classify(text: str) -> Classification:
    latin_re, han_re, by_kw = _matchers()
    hits: dict[str, tuple[int, Category, str]] = {}  # category id -> (best keyword length, cat, kw)

    def hit(kw: str) -> None:
        for c in by_kw.get(kw, ()):
            best = hits.get(c.id)
            if best is None or len(kw) > best[0]:
                hits[c.id] = (len(kw), c, kw)

    if latin_re is not None:
        for m in latin_re.finditer(text):
            hit(m.group(1))
    if han_re is not None and _HAN.search(text):
        for m in han_re.finditer(text):
            hit(m.group(1))
    models: list[ModelMatch] = []
    system = bool(_SYSTEM_WORDS.search(text))
    for pm in product_models():
        m = pm.pattern.search(text)
        if m and (not pm.context or any(_word_in(c, text) for c in pm.context)):
            models.append(ModelMatch(pm, m.group(0), pm.system_eccn if system else pm.eccn, system))
    vetoed: list[str] = []
    for cid, (_, cat, _) in list(hits.items()):
        if any(_word_in(w, text) for w in cat.not_words):
            vetoed.append(cid)
            del hits[cid]
    cats = categories()
    for mm in models:  # a named model makes the category certain even without a keyword
        cat = cats.get("servers" if mm.system and "servers" in cats else mm.model.category)
        if cat is not None and cat.id not in hits and cat.id not in vetoed:
            hits[cat.id] = (len(mm.text), cat, mm.text)
    ranked = sorted(hits.values(), key=lambda t: (-t[0], t[1].order))
    found = tuple(c for _, c, _ in ranked)
    return Classification(
        categories=found,
        keywords=tuple(kw for _, _, kw in ranked),
        models=tuple(models),
        suggested_hs=found[0].classify_to if found else None,
        vetoed=tuple(vetoed),
    )


def classify(description: object) -> Classification:
    """Classify an English and/or Chinese goods description to categories and an HS heading."""
    if not isinstance(description, str) or not description.strip():
        return Classification()
    return _classify(description[:4000].lower())


def hs_fits(category: Category, hs: HSCode) -> bool:
    """True when a declared code lies in a chapter the category's goods can be declared under.

    The check is at chapter level on purpose: a GPU declared as 8471.80 instead of 8473.30 is a
    classification quibble, a GPU declared in chapter 95 (toys) or 39 (plastics) is a different good.
    """
    if hs.code is None:
        return True
    return hs.code[:2] in category.chapters or any(hs.code.startswith(p) for p in category.hs)
