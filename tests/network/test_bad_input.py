"""Bad input is reported with its record and the analysis still completes."""

from __future__ import annotations

from interdict.network.analyze import analyze
from interdict.network.resolve import Decisions


def ent(id, schema, **props):
    return {"id": id, "schema": schema, "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}}


def run(path, decisions_path):
    return analyze([path], use_lists=False, decisions=Decisions(decisions_path))


def messages(result):
    return [(p.record, p.message) for p in result.problems.problems]


def test_every_kind_of_bad_record_is_reported_and_analysis_completes(write_jsonl, decisions_path):
    rows = [
        ent("d1", "Company", name="Designated Trading Co", topics="sanction", country="kp"),
        ent("c1", "Company", name="Alpha Ltd"),
        ent("c2", "Company", name="Beta Ltd"),
        ent("p1", "Person", name="Person One"),
        ent("p2", "Person", name="Person Two"),
        ent("o-dangling", "Ownership", owner="nowhere-1", asset="c1", percentage="60"),
        ent("o-over", "Ownership", owner="d1", asset="c1", percentage="150"),
        ent("o-missing", "Ownership", owner="d1", asset="c2"),
        ent("o-person", "Ownership", owner="p1", asset="p2", percentage="50"),
        ent("o-self", "Ownership", owner="c1", asset="c1", percentage="10"),
        ent("o-cyc1", "Ownership", owner="c1", asset="c2", percentage="60"),
        ent("o-cyc2", "Ownership", owner="c2", asset="c1", percentage="60"),
        ent("o-junk", "Ownership", owner="d1", asset="c2", percentage="sixty"),
        ent("c1", "Company", name="Alpha Limited"),  # duplicate id: merged and reported
        ent("c1", "Person", name="Not a company"),  # duplicate id, incompatible schema
        {"id": "x", "schema": "Spaceship", "properties": {}},
        {"schema": "Company", "properties": {"name": ["no id"]}},
        "{not json",
        "[1, 2]",
    ]
    result = run(write_jsonl(rows), decisions_path)
    msgs = messages(result)
    text = " | ".join(f"{r}: {m}" for r, m in msgs)
    assert any(r == "o-dangling" and "dangling reference" in m for r, m in msgs), text
    assert any(r == "o-over" and "over 100" in m for r, m in msgs), text
    assert any(r == "o-missing" and "without percentage" in m for r, m in msgs), text
    assert any(r == "o-person" and "person cannot be owned" in m for r, m in msgs), text
    assert any(r == "o-self" and "itself" in m for r, m in msgs), text
    assert any(r == "o-junk" and "not a number" in m for r, m in msgs), text
    assert any(r == "o-cyc1, o-cyc2" and "ownership cycle" in m for r, m in msgs), text
    assert any(r == "c1" and "duplicate id" in m and "merged" in m for r, m in msgs), text
    assert any(r == "c1" and "incompatible schema" in m for r, m in msgs), text
    assert any("unknown schema" in m for _, m in msgs), text
    assert any("no id" in m for _, m in msgs), text
    assert any("invalid JSON" in m for _, m in msgs), text
    assert any("not a JSON object" in m for _, m in msgs), text
    # problems found while reading carry the file and line
    junk = [p for p in result.problems.problems if "invalid JSON" in p.message]
    assert junk and junk[0].line == 18 and junk[0].file.endswith("input.jsonl")
    # the analysis completed: the cross-held pair got alerts, the designated owner of unknown share shows
    alerts = {a.subject: a for a in result.alerts}
    assert "c1" in alerts and "c2" in alerts
    rules_c2 = {r.rule_id for r in alerts["c2"].reasons}
    assert "blocked-owner-unknown-share" in rules_c2
    # the 150% record was not used as 150% (nor as 100%)
    assert not result.ownership.ofac_blocked[result.graph.index["c1"]]


def test_shares_over_100_percent_in_total_are_scaled_and_reported(write_jsonl, decisions_path):
    rows = [
        ent("d1", "Company", name="Designated", topics="sanction"),
        ent("a", "Company", name="Asset Co"),
        ent("b", "Company", name="Other Owner Co"),
        ent("o1", "Ownership", owner="d1", asset="a", percentage="80"),
        ent("o2", "Ownership", owner="b", asset="a", percentage="80"),
    ]
    result = run(write_jsonl(rows), decisions_path)
    assert any("add up to 160.0%" in p.message for p in result.problems.problems)
    node = result.graph.index["a"]
    assert abs(result.ownership.ofac_share[node] - 0.5) < 1e-9  # 80 / 160
    assert result.ownership.ofac_blocked[node]


def test_shares_count_used_when_percentages_missing(write_jsonl, decisions_path):
    rows = [
        ent("d1", "Company", name="Designated", topics="sanction"),
        ent("a", "Company", name="Asset Co"),
        ent("b", "Person", name="Someone"),
        ent("o1", "Ownership", owner="d1", asset="a", sharesCount="600"),
        ent("o2", "Ownership", owner="b", asset="a", sharesCount="400"),
    ]
    result = run(write_jsonl(rows), decisions_path)
    node = result.graph.index["a"]
    assert abs(result.ownership.ofac_share[node] - 0.6) < 1e-9


def test_missing_file_and_csv_without_mapping_are_reported(tmp_path, decisions_path):
    csv_path = tmp_path / "registry.csv"
    csv_path.write_text("name,owner\nAlpha,Beta\n", encoding="utf-8")
    result = analyze([tmp_path / "nope.jsonl", csv_path], use_lists=False, decisions=Decisions(decisions_path))
    msgs = [p.message for p in result.problems.problems]
    assert any("not found" in m for m in msgs)
    assert any("--mapping" in m for m in msgs)
    assert result.alerts == []


def test_binary_garbage_does_not_crash(tmp_path, decisions_path):
    path = tmp_path / "garbage.jsonl"
    path.write_bytes(b"\x00\xff\xfe\x80garbage\n\x89PNG\r\n")
    result = analyze([path], use_lists=False, decisions=Decisions(decisions_path))
    assert result.problems.problems
