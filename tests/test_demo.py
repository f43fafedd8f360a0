"""End to end: the demo runs every engine on the bundled data and writes real results."""

from __future__ import annotations

import json

import pytest

from interdict.demo import run_demo


@pytest.mark.slow
def test_demo_writes_every_engines_results(tmp_path):
    steps = {s.name: s for s in run_demo(tmp_path, log=lambda _msg: None)}
    assert set(steps) == {"lists", "parties", "trade", "network", "workers"}
    for step in steps.values():
        for path in step.outputs:
            assert path.exists() and path.stat().st_size > 0, path
    parties = [json.loads(line) for line in (tmp_path / "parties.jsonl").read_text(encoding="utf-8").splitlines()]
    by_name = {row["query"]["names"][0] if "names" in row.get("query", {}) else row.get("name"): row for row in parties}
    assert any(r["results"] and r["results"][0]["match"] for r in parties)
    assert by_name, "parties output has rows"
    # The sample has planted evasion in every engine: each must raise something, and not everything.
    for name in ("trade", "network", "workers"):
        levels = steps[name].levels
        assert levels.get("block", 0) + levels.get("review", 0) > 0, name
        assert levels.get("clear", 0) > 0, name
    summary = json.loads((tmp_path / "SUMMARY.json").read_text(encoding="utf-8"))
    assert [s["step"] for s in summary] == ["lists", "parties", "trade", "network", "workers"]
