from __future__ import annotations

from pathlib import Path

import pytest

from interdict.exc import InvalidRulePack
from interdict.rules import RULES_DIR, load_pack


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "pack.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_valid_pack_keeps_extra_keys_as_params(tmp_path):
    path = write(
        tmp_path,
        """
rules:
  - id: demo-rule
    family: goods
    description: fires when a demo happens
    weight: 0.7
    hs_chapters: [84, 85]
    citation: {instrument: UNSCR 2397 (2017), paragraph: OP7, source_id: S01, grade: A}
""",
    )
    rules = load_pack(path)
    assert rules["demo-rule"].params == {"hs_chapters": [84, 85]}
    assert rules["demo-rule"].grade == "A"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("rules: 3", "'rules' list"),
        ("rules:\n  - id: x\n    family: f\n    description: d\n    weight: 2\n    citation: {instrument: I}", "rule x"),
        ("rules:\n  - id: x\n    family: f\n    description: d\n    weight: 0.1\n", "rule x"),
        ("rules: [", "cannot read"),
    ],
)
def test_malformed_pack_names_file_and_rule(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(InvalidRulePack) as err:
        load_pack(path)
    assert fragment in str(err.value)
    assert "pack.yml" in str(err.value)


def test_duplicate_ids_refused(tmp_path):
    rule = "  - {id: x, family: f, description: d, weight: 0.1, citation: {instrument: I}}\n"
    with pytest.raises(InvalidRulePack, match="duplicate"):
        load_pack(write(tmp_path, "rules:\n" + rule + rule))


@pytest.mark.parametrize("pack", sorted(p.stem for p in RULES_DIR.glob("*.yml")))
def test_bundled_packs_load_and_cite(pack):
    rules = load_pack(pack)
    assert rules, f"rule pack {pack} is empty"
    for rule in rules.values():
        assert rule.citation.instrument.strip()
        assert rule.description.strip()
