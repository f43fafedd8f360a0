"""`lists diff` on OFAC SDN 2023-12-28 -> 2024-05-03 against an independent count made here
straight from the CSV rows (ent_nums and row contents), without the readers."""

from __future__ import annotations

import csv
import io
import lzma

import pytest
from typer.testing import CliRunner

from interdict import lists
from interdict.sources import bundled_snapshot


def _rows(path) -> list[list[str]]:
    text = lzma.decompress(path.read_bytes()).decode("cp1252").rstrip("\x1a\r\n")
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


def _norm(cells: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(c.split()) for c in cells)


def _address(cells: list[str]) -> tuple[str, ...]:
    """An address row as its text: the non-null parts in order, plus the remarks. OFAC sometimes
    moves a part between columns (8868: "Damascus" from Address to City) without changing the
    address; that is not a change of the entry."""
    parts = [p for p in _norm(cells[2:5]) if p and p != "-0-"]
    return (", ".join(parts), _norm(cells[5:6])[0])


def _content(inputs: dict) -> dict[str, tuple]:
    """ent_num -> (primary row, set of addresses, set of alias rows), ids (add_num/alt_num)
    left out; add/alt rows come from the fallback files for ent_nums the main add file lacks."""
    sdn = {r[0]: _norm(r[1:]) for r in _rows(inputs["main"])}
    adds: dict[str, set] = {}
    alts: dict[str, set] = {}
    covered = set()
    for r in _rows(inputs["add"]):
        covered.add(r[0])
        adds.setdefault(r[0], set()).add(_address(r))
    for r in _rows(inputs["alt"]):
        alts.setdefault(r[0], set()).add(_norm(r[2:]))
    for role, target, key in (("add_fallback", adds, _address), ("alt_fallback", alts, lambda r: _norm(r[2:]))):
        if role in inputs:
            for r in _rows(inputs[role]):
                if r[0] not in covered:
                    target.setdefault(r[0], set()).add(key(r))
    return {e: (row, frozenset(adds.get(e, ())), frozenset(alts.get(e, ()))) for e, row in sdn.items()}


@pytest.fixture(scope="module")
def truth():
    old = _content(dict(zip(("main", "add", "alt"), bundled_snapshot("us_ofac_sdn", "2023-12-28").paths(), strict=True)))
    new = _content(bundled_snapshot("us_ofac_sdn", "2024-05-03").inputs())
    return {
        "added": {f"us_ofac_sdn-{e}" for e in set(new) - set(old)},
        "removed": {f"us_ofac_sdn-{e}" for e in set(old) - set(new)},
        "changed": {f"us_ofac_sdn-{e}" for e in set(old) & set(new) if old[e] != new[e]},
    }


def test_ofac_diff_matches_independent_count(loaded, truth):
    result = lists.diff("us_ofac_sdn", "2023-12-28", "2024-05-03", settings=loaded)
    assert result["old"]["label"] == "2023-12-28" and result["new"]["label"] == "2024-05-03"
    got = {k: {i["id"] for i in result[k]} for k in ("added", "removed", "changed")}
    assert len(truth["added"]) > 1000  # sanity: the two publications really differ
    assert got["added"] == truth["added"]
    assert got["removed"] == truth["removed"]
    assert got["changed"] == truth["changed"]
    assert result["counts"] == {k: len(v) for k, v in truth.items()}


def test_diff_defaults_and_changed_fields(loaded):
    default = lists.diff("us_ofac_sdn", settings=loaded)  # previous -> current
    explicit = lists.diff("us_ofac_sdn", "2023-12-28", "2024-05-03", settings=loaded)
    assert default["counts"] == explicit["counts"]
    changed = {c["id"]: c["fields"] for c in explicit["changed"]}
    # every changed entry names at least one changed field, with the values that moved
    assert all(fields for fields in changed.values())
    some = next(iter(changed.values()))
    field, delta = next(iter(some.items()))
    assert set(delta) == {"added", "removed"} and (delta["added"] or delta["removed"])


def test_diff_cli_json_and_text(loaded, monkeypatch):
    import json

    from interdict.cli.main import app

    monkeypatch.setenv("INTERDICT_HOME", str(loaded.home))
    runner = CliRunner()
    res = runner.invoke(app, ["lists", "diff", "us_ofac_sdn", "2023-12-28", "2024-05-03", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["counts"]["added"] > 1000
    res = runner.invoke(app, ["lists", "diff", "us_ofac_sdn", "--limit", "3"])
    assert res.exit_code == 0
    assert "added" in res.stdout and "more added" in res.stdout
    res = runner.invoke(app, ["lists", "diff", "un_sc"])
    assert res.exit_code != 0  # only one UN version: nothing to compare
