from __future__ import annotations

from datetime import date

from interdict.model import Level
from interdict.workers import screen_contractors
from interdict.workers.clusters import build_clusters

from .conftest import EVENT_FIELDS, events_at_hours, profile, write_csv, write_jsonl

KST_OFFICE = list(range(0, 9))
NY_OFFICE = list(range(14, 23))


def test_union_find_strong_links_and_caps():
    shared = {
        "device": {"d1": {0, 1}, "d2": {1, 2}},
        "payment": {"p": set(range(10, 40))},  # over the cap of 25: common, no link
        "ip": {"1.1.1.1": {5, 6}},  # one weak link alone: no union
        "address": {"addr": {5, 6, 7}},  # second weak kind shared by 5 and 6 only
    }
    clusters, member_of = build_clusters(50, shared)
    groups = sorted(sorted(c.members) for c in clusters)
    assert groups == [[0, 1, 2], [5, 6]]
    assert 7 not in member_of and 10 not in member_of
    assert member_of[5].member_weight[5] > 0
    kinds = {link.kind for link in member_of[5].links}
    assert kinds == {"ip", "address"}


def test_vpn_exits_and_public_ips_do_not_make_a_giant_component(tmp):
    n = 80
    events = []
    for i in range(n):
        # everyone shares the same VPN exits and one busy public IP
        events += events_at_hours(f"u{i}", NY_OFFICE[:2], days=2, ip="45.0.0.1", vpn="true", device_id=f"d{i}")
        events += events_at_hours(f"u{i}", NY_OFFICE[2:4], days=2, ip="8.8.4.4", device_id=f"d{i}")
    ppath = write_jsonl(tmp / "p.jsonl", [profile(f"u{i}") for i in range(n)])
    result = screen_contractors(ppath, write_csv(tmp / "e.csv", events, EVENT_FIELDS), as_of=date(2025, 6, 1))
    assert result.clusters == []
    assert all("NET-02.ip" not in {r.rule_id for r in a.reasons} for a in result.alerts)


def test_group_evidence_counts_for_each_member(tmp):
    # op1 has strong evidence on its own; op2 shares its device and payment account and nothing else
    events = events_at_hours("op1", KST_OFFICE, device_id="shared", locale="ko-KR", ip="175.45.176.3")
    events += events_at_hours("op2", NY_OFFICE, device_id="shared")
    events += events_at_hours("bystander", NY_OFFICE)
    profiles = [profile("op1", payment_accounts=[{"type": "bank", "country": "CN", "account": "P"}]),
                profile("op2", payment_accounts=[{"type": "bank", "country": "US", "account": "p"}]),
                profile("bystander")]
    ppath = write_jsonl(tmp / "p.jsonl", profiles)
    result = screen_contractors(ppath, write_csv(tmp / "e.csv", events, EVENT_FIELDS), as_of=date(2025, 6, 1))
    op2 = {r.rule_id: r for r in result.alert("op2").reasons}
    cluster = op2["CLUSTER"]
    assert cluster.evidence["strongest_member"] == "op1"
    assert set(cluster.evidence["linked_by"]) == {"device", "payment"}
    assert "NET-KP-IP" in cluster.evidence["strongest_member_signals"]
    assert result.alert("op2").level != Level.CLEAR
    assert result.alert("bystander").level == Level.CLEAR
    summary = next(c for c in result.clusters if "op1" in c["members"])
    assert summary["members"] == ["op1", "op2"] and summary["link_kinds"] == {"device": 1, "payment": 1}


def test_shared_facts_are_not_counted_twice_in_a_household(tmp):
    home = "12 Pine St Apt 3, Shenyang, CN"
    profiles = [profile(p, country="CN", city="Shanghai", timezone="Asia/Shanghai", shipping=[home],
                        payment_accounts=[{"type": "bank", "country": "CN", "account": "JOINT"}])
                for p in ("h1", "h2")]
    result = screen_contractors(write_jsonl(tmp / "p.jsonl", profiles), as_of=date(2025, 6, 1))
    for pid in ("h1", "h2"):
        ids = {r.rule_id for r in result.alert(pid).reasons}
        assert "CLUSTER" not in ids  # the partner's evidence is the same shipping fact
