"""Fakes for trade tests: a tiny party screener with the shape of interdict.screening.Screener."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class FakeMatch:
    id: str
    caption: str
    score: float
    match: bool
    source: str = "un_sc"
    schema: str = "LegalEntity"
    matched_name: str | None = None
    programs: list[str] = field(default_factory=lambda: ["UNSC 1718 (DPRK)"])
    dprk: bool = True


@dataclass
class FakeResult:
    results: list[FakeMatch]


class FakeScreener:
    """Knows a few listed names; counts calls so tests can check the cache."""

    def __init__(self, names: dict[str, tuple[str, float]] | None = None):
        self.names = names or {
            "korea ryonbong general corporation": ("un_sc-KPe.042", 0.96),
            "dandong hongxiang industrial development": ("us_ofac_sdn-20250", 0.93),
            "chonsurim trading": ("us_ofac_sdn-99999", 0.74),  # near miss
        }
        self.calls: list[tuple[str, str | None]] = []

    def screen(self, query, *, schema=None, **kwargs):
        self.calls.append((query, schema))
        key = " ".join(query.lower().replace(",", " ").replace(".", " ").split())
        for name, (eid, score) in self.names.items():
            if name in key or key in name:
                return FakeResult([FakeMatch(eid, name.upper(), score, score >= 0.8, matched_name=name)])
        if "boom" in key:
            raise RuntimeError("index exploded")
        return FakeResult([])


@pytest.fixture
def fake_screener():
    return FakeScreener()
