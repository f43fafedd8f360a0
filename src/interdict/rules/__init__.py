"""Rule packs: domain knowledge as YAML with citations, validated when loaded.

Each pack is a YAML file in this folder (``trade.yml``, ``network.yml``, ``workers.yml``...) with a
top-level ``rules:`` list. Every rule has at least::

    - id: dprk-hs-ch84-89-supply        # stable id, shown in alerts, audit and docs
      family: goods                      # grouping for reports and benchmarks
      description: fires when ...        # one sentence completing "this fires when..."
      weight: 0.9                        # score in [0, 1] the rule contributes on its own
      citation: {instrument: UNSCR 2397 (2017), paragraph: OP7, source_id: S01, grade: A}

Engines may add their own keys (``hs_chapters``, ``threshold``...); they are kept in ``params``.
A malformed pack raises :class:`~interdict.exc.InvalidRulePack` naming the file and rule.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from interdict.exc import InvalidRulePack
from interdict.model import Citation, Grade

__all__ = ["Rule", "load_pack", "RULES_DIR"]

RULES_DIR = Path(__file__).parent
_CORE_KEYS = {"id", "family", "description", "weight", "citation"}


class Rule(BaseModel):
    id: str
    family: str
    description: str
    weight: float = Field(ge=0.0, le=1.0)
    citation: Citation
    params: dict[str, Any] = Field(default_factory=dict)

    @property
    def grade(self) -> Grade:
        return self.citation.grade


@cache
def load_pack(name_or_path: str) -> dict[str, Rule]:
    """Load a rule pack by name (``"trade"``) or path; returns rules keyed by id."""
    path = Path(name_or_path)
    if not path.suffix:
        path = RULES_DIR / f"{name_or_path}.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidRulePack(f"{path}: cannot read rule pack: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InvalidRulePack(f"{path}: expected a mapping with a 'rules' list")
    rules: dict[str, Rule] = {}
    for pos, raw in enumerate(data["rules"]):
        if not isinstance(raw, dict):
            raise InvalidRulePack(f"{path}: rule #{pos} is not a mapping")
        rid = raw.get("id", f"#{pos}")
        params = {k: v for k, v in raw.items() if k not in _CORE_KEYS}
        try:
            rule = Rule(**{k: v for k, v in raw.items() if k in _CORE_KEYS}, params=params)
        except ValidationError as exc:
            raise InvalidRulePack(f"{path}: rule {rid}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc
        if rule.id in rules:
            raise InvalidRulePack(f"{path}: duplicate rule id {rule.id}")
        rules[rule.id] = rule
    return rules
