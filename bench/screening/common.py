"""Shared helpers for the screening benchmark and calibration: data paths, cases, peers."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CASES = HERE / "cases.csv"
DEFAULT_SHARED = ROOT.parent / "shared" / "benchmarks" / "yente"


@dataclass
class Case:
    case_id: str
    case_group: str
    quality: str
    category: str
    query: str
    schema: str
    candidate_id: str
    label: int
    birth_date: str
    country: str

    @property
    def split(self) -> str:
        from bench.screening.make_cases import split_of

        return split_of(self.case_group)


def load_cases(path: Path = CASES) -> list[Case]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            Case(r["case_id"], r["case_group"], r["quality"], r["category"], r["query"], r["schema"],
                 r["candidate_id"], int(r["label"]), r.get("birth_date") or "", r.get("country") or "")
            for r in csv.DictReader(fh)
        ]


def ensure_home() -> Path:
    """``INTERDICT_HOME`` if set, else the repository's ``.interdict-home`` (as the Makefile uses)."""
    home = os.environ.get("INTERDICT_HOME")
    if not home:
        home = str(ROOT / ".interdict-home")
        os.environ["INTERDICT_HOME"] = home
    return Path(home)


def open_screener():
    ensure_home()
    from interdict.screening import Screener

    return Screener.open()


class EntityCache:
    """Candidate entities by id from the store (cloned, so held-out names can be removed)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.cache: dict[str, Any] = {}

    def get(self, entity_id: str) -> Any:
        if entity_id not in self.cache:
            self.cache[entity_id] = self.store.get_entity(entity_id)
        found = self.cache[entity_id]
        return found.clone() if found is not None else None


def without_names(entity: Any, names: list[str]) -> Any:
    """The entity minus ``names``, under a new id: logic-v2 caches name analysis by entity id
    (``functools.lru_cache`` on ``Entity.__hash__``), so an edited record must not share the id."""
    import hashlib

    drop = {n.strip().casefold() for n in names}
    entity.id = f"{entity.id}-without-{hashlib.sha1('|'.join(sorted(drop)).encode()).hexdigest()[:10]}"
    for prop in ("name", "alias", "previousName", "weakAlias", "abbreviation"):
        values = [v for v in entity.get(prop, quiet=True) if v.strip().casefold() not in drop]
        entity.set(prop, values, quiet=True)
    return entity


_QUERY_COUNTER = 0


def query_entity(name: str, schema: str | None, birth_date: str = "", country: str = "") -> Any:
    """The query as an FtM entity, the shape logic-v2 compares."""
    from followthemoney import model

    entity = model.make_entity(schema if schema in ("Person", "Company", "Organization", "Vessel", "LegalEntity")
                               else "LegalEntity")
    # a distinct id per query: logic-v2 caches name analysis by entity id
    global _QUERY_COUNTER
    _QUERY_COUNTER += 1
    entity.id = f"query-{_QUERY_COUNTER}"
    entity.add("name", name, quiet=True)
    if birth_date and entity.schema.get("birthDate"):
        entity.add("birthDate", birth_date, quiet=True)
    if country:
        entity.add("country", country, quiet=True)
    return entity


class LogicV2:
    """nomenklatura's logic-v2 (the matcher behind yente) with its default configuration."""

    name = "logic-v2"
    threshold = 0.7  # yente's default match threshold

    def __init__(self) -> None:
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig

        self.algorithm = get_algorithm("logic-v2")
        self.config_type = ScoringConfig

    def score(self, query: Any, candidate: Any) -> float:
        return float(self.algorithm.compare(query, candidate, self.config_type.defaults()).score)


class BruteForce:
    """Naive baseline: best rapidfuzz token_sort_ratio of the query against every list name."""

    name = "rapidfuzz brute force"

    def __init__(self, index: Any) -> None:
        from rigour.text import ascii_text

        self.ascii = ascii_text
        names: list[str] = []
        owners: list[int] = []
        for e in range(index.size):
            seen = set()
            for f in index.forms_of(e):
                text = index.form_names[f]
                if text not in seen:
                    seen.add(text)
                    names.append(self.norm(text))
                    owners.append(e)
        self.names = names
        self.owners = owners

    def norm(self, text: str) -> str:
        return " ".join((self.ascii(text) or "").lower().replace(",", " ").split())

    def best(self, query: str) -> tuple[float, int | None]:
        from rapidfuzz import fuzz, process

        found = process.extractOne(self.norm(query), self.names, scorer=fuzz.token_sort_ratio)
        if found is None:
            return 0.0, None
        return found[1] / 100.0, self.owners[found[2]]

    @staticmethod
    def pair(query: str, names: list[str]) -> float:
        from rapidfuzz import fuzz
        from rigour.text import ascii_text

        def norm(t: str) -> str:
            return " ".join((ascii_text(t) or "").lower().replace(",", " ").split())

        q = norm(query)
        return max((fuzz.token_sort_ratio(q, norm(n)) / 100.0 for n in names), default=0.0)


def prf(labels: list[int], predicted: list[bool]) -> dict[str, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "tp": tp, "fp": fp,
            "fn": fn}


def best_threshold(labels: list[int], scores: list[float]) -> float:
    """The threshold that maximises F1 on these scores (used on the training split only)."""
    best, best_t = -1.0, 0.5
    for t in sorted(set(round(s, 4) for s in scores)):
        f1 = prf(labels, [s >= t for s in scores])["f1"]
        if f1 > best:
            best, best_t = f1, t
    return best_t
