"""Each signal fires on a minimal case and stays quiet on its genuine counterpart."""

from __future__ import annotations

from datetime import date

import pytest

from interdict.model import Grade, Level
from interdict.rules import load_pack
from interdict.workers import screen_contractors

from .conftest import EVENT_FIELDS, FakeScreener, events_at_hours, profile, write_csv, write_jsonl

AS_OF = date(2025, 6, 1)
W = {rid: rule.weight for rid, rule in load_pack("workers").items()}
KST_OFFICE = list(range(0, 9))  # 09:00-17:59 at UTC+9
NY_OFFICE = list(range(14, 23))  # 09:00-17:59 at UTC-5


def run(tmp, profiles, events=None, **kwargs):
    ppath = write_jsonl(tmp / "p.jsonl", profiles)
    epath = write_csv(tmp / "e.csv", events, EVENT_FIELDS) if events is not None else None
    return screen_contractors(ppath, epath, as_of=AS_OF, **kwargs)


def rules_of(result, subject):
    return {r.rule_id: r for r in result.alert(subject).reasons}


def test_com01_east_asian_office_hours_while_claiming_new_york(tmp):
    events = (events_at_hours("dprk", KST_OFFICE) + events_at_hours("tokyo", KST_OFFICE)
              + events_at_hours("genuine", NY_OFFICE))
    result = run(tmp, [profile("dprk"), profile("tokyo", country="JP", timezone="Asia/Tokyo"), profile("genuine")],
                 events)
    reason = rules_of(result, "dprk")["COM-01"]
    assert reason.evidence["east_asia_share"] == 1.0 and reason.evidence["claimed_working_share"] == 0.0
    assert reason.citation.source_id == "S20b" and reason.citation.grade == Grade.A
    assert "COM-01" not in rules_of(result, "tokyo")
    assert "COM-01" not in rules_of(result, "genuine")


def test_com02_korean_locale_outside_korea(tmp):
    events = (events_at_hours("a", NY_OFFICE, locale="ko-KR") + events_at_hours("b", NY_OFFICE, locale="ko-KR")
              + events_at_hours("seoul", KST_OFFICE, locale="ko-KR"))
    result = run(tmp, [profile("a"), profile("b", languages=["en", "ko"]),
                       profile("seoul", country="KR", timezone="Asia/Seoul")], events)
    a, b = rules_of(result, "a")["COM-02"], rules_of(result, "b")["COM-02"]
    assert a.score == pytest.approx(W["COM-02"]) and b.score == pytest.approx(W["COM-02"] / 2)  # declared Korean
    assert "COM-02" not in rules_of(result, "seoul")


def test_dprk_ip_space_is_grade_a_and_osint_ranges_are_weak(tmp):
    events = events_at_hours("kp", NY_OFFICE[:2], ip="175.45.179.200") + \
        events_at_hours("weak", NY_OFFICE[:2], ip="210.52.109.17")
    result = run(tmp, [profile("kp"), profile("weak")], events)
    kp = rules_of(result, "kp")["NET-KP-IP"]
    assert kp.citation.grade == Grade.A and kp.evidence["ips"] == ["175.45.179.200"]
    assert kp.evidence["first_line"] == 2
    weak_alert = result.alert("weak")
    weak = rules_of(result, "weak")["NET-KP-IP-WEAK"]
    assert weak.citation.grade == Grade.C and weak_alert.level == Level.CLEAR


def test_grade_c_reasons_cannot_block_even_when_many(tmp):
    events = events_at_hours("w", NY_OFFICE, ip="77.94.35.9")
    result = run(tmp, [profile("w")], events)
    alert = result.alert("w")
    assert all(r.grade == Grade.C for r in alert.reasons) and alert.score <= 0.45


def test_network_signals(tmp):
    events = []
    # NET-01: US and DE alternate within minutes on residential IPs
    for k in range(4):
        events.append({"account_id": "hop", "timestamp": f"2025-03-03T15:{k * 10:02d}:00Z",
                       "ip": f"8.8.{k}.1", "country": ["US", "DE"][k % 2], "vpn": "false"})
    # NET-03 (three day-long sessions), NET-04 (RDP), NET-05 (AnyDesk), NET-06 (VPN egress)
    for day in range(3):
        events.append({"account_id": "farm", "timestamp": f"2025-03-0{day + 3}T15:00:00Z", "ip": "66.1.1.1",
                       "country": "US", "session_seconds": 90000, "remote_access": "AnyDesk"})
    events.append({"account_id": "farm", "timestamp": "2025-03-09T15:00:00Z", "ip": "66.1.1.1", "country": "US",
                   "remote_access": "RDP 3389"})
    events += events_at_hours("vpn", NY_OFFICE, ip="45.1.1.1", vpn="true", country="NL")
    events += events_at_hours("home", NY_OFFICE)
    result = run(tmp, [profile("hop"), profile("farm"), profile("vpn"), profile("home")], events)
    assert rules_of(result, "hop")["NET-01"].evidence["switches"] == 3
    farm = rules_of(result, "farm")
    assert farm["NET-03"].evidence["long_sessions"] == 3 and farm["NET-03"].score == pytest.approx(W["NET-03"])
    assert farm["NET-05"].evidence["tools"] == ["anydesk"] and farm["NET-04"].evidence["tools"] == ["rdp 3389"]
    assert rules_of(result, "vpn")["NET-06"].evidence["vpn_share"] == 1.0
    assert rules_of(result, "home") == {}


def test_net02_shared_ip_farm_versus_office(tmp):
    events = []
    farm = [("f1", "Boston"), ("f2", "Denver"), ("f3", "Seattle")]
    office = [("o1", "Austin"), ("o2", "Austin"), ("o3", "Austin")]
    for pid, _ in farm:
        events += events_at_hours(pid, NY_OFFICE[:3], ip="71.5.5.5")
    for pid, _ in office:
        events += events_at_hours(pid, NY_OFFICE[:3], ip="71.6.6.6")
    profiles = [profile(pid, city=city) for pid, city in farm + office]
    result = run(tmp, profiles, events)
    assert rules_of(result, "f1")["NET-02.ip"].score == pytest.approx(W["NET-02.ip"])
    assert rules_of(result, "o1")["NET-02.ip"].score == pytest.approx(W["NET-02.ip"] * 0.4)  # all claim one city
    # one shared IP is a weak link: it does not make a cluster on its own
    assert result.alert("f1").details.get("cluster") is None


def test_payment_signals(tmp):
    profiles = [
        profile("prc", name="John Smith", payment_accounts=[{"type": "bank", "provider": "Bank of China",
                                                              "country": "CN", "account": "A1", "holder": "Li Wei"}]),
        profile("cnres", country="CN", city="Shanghai", timezone="Asia/Shanghai", name="Wang Fang",
                payment_accounts=[{"type": "bank", "country": "CN", "account": "A2", "holder": "Fang Wang"}]),
        profile("coin", payment_accounts=[{"type": "crypto", "account": "0xabc"}]),
        profile("client", role="client", payment_accounts=[{"type": "paypal", "account": "PP-1"}]),
        profile("dev1", payment_accounts=[{"type": "paypal", "account": "pp-1"}]),
        profile("d2", city="Boston", payment_accounts=[{"type": "bank", "account": "J-1"}]),
        profile("d3", city="Denver", payment_accounts=[{"type": "bank", "account": "J-1"}]),
        profile("d4", city="Austin", payment_accounts=[{"type": "bank", "account": "J-1"}]),
        profile("wife", city="Reno", payment_accounts=[{"type": "bank", "account": "JOINT"}]),
        profile("husband", city="Reno", payment_accounts=[{"type": "bank", "account": "JOINT"}]),
    ]
    result = run(tmp, profiles)
    prc = rules_of(result, "prc")
    assert "PAY-01.prc-bank" in prc and prc["PAY-06"].evidence["accounts"][0]["holder"] == "Li Wei"
    assert rules_of(result, "cnres") == {}  # lives in China, paid in China, own name (order swapped)
    assert "PAY-01.crypto" in rules_of(result, "coin")
    assert rules_of(result, "client")["PAY-02"].evidence["shared"][0]["shared_with"] == ["dev1"]
    assert "PAY-02" in rules_of(result, "dev1")
    assert rules_of(result, "d2")["PAY-04"].score == pytest.approx(W["PAY-04"])
    assert rules_of(result, "wife")["PAY-04"].score == pytest.approx(W["PAY-04"] * 0.75 * 0.5)


def test_identity_reuse(tmp):
    doc = [{"type": "passport", "number": "X 123-4567", "country": "US"}]
    profiles = [
        profile("i1", documents=doc, phone="+1 (602) 555-0101", email="j.doe+work@gmail.com", photo_hash="AB12"),
        profile("i2", documents=[{"type": "passport", "number": "x1234567", "country": "US"}], phone="16025550101",
                email="jdoe@googlemail.com", photo_hash="ab12", name="Someone Else"),
        profile("s1", email="qxvzbrt17@proton.me", name="Ann Lee"),
        profile("s2", email="qxvzbrt42@proton.me", name="Bo Kim"),
        profile("n1", email="jsmith1@gmail.com", name="John Smith"),
        profile("n2", email="jsmith2@gmail.com", name="Jane Smith"),
        profile("alias", name="Mary Jones", linked_accounts=[{"site": "github", "handle": "x", "name": "Kim Chol Su"}]),
    ]
    result = run(tmp, profiles)
    i1 = rules_of(result, "i1")
    assert {"IDN-01.document", "IDN-01.phone", "IDN-01.email", "IDN-02"} <= set(i1)
    assert i1["IDN-02"].evidence["names"] == ["Someone Else"]
    assert result.alert("i1").details["cluster"] == result.alert("i2").details["cluster"]
    assert rules_of(result, "s1")["IDN-01.email"].evidence["same_pattern"] == ["s2"]
    assert "IDN-01.email" not in rules_of(result, "n1")  # name-derived mailboxes are not a pattern
    assert rules_of(result, "alias")["IDN-01.names"].evidence["mismatches"][0]["site"] == "github"


def test_equipment_signals_use_the_trade_geography(tmp):
    farm = "1200 Elm St Apt 4, Litchfield Park, AZ, US"
    profiles = [
        profile("e1", shipping=[farm, "Room 8, Zhenxing District, Dandong, Liaoning, CN"]),
        profile("e2", city="Denver", shipping=[farm]),
        profile("e3", city="Seattle", shipping=[farm]),
        profile("hub", shipping=["18 Huanghe St, Huanggu District, Shenyang, CN"]),
        profile("local", country="CN", city="Shenyang", timezone="Asia/Shanghai",
                shipping=["18 Huanghe St, Shenyang, CN"]),
        profile("home", shipping=["5 Oak Ave Apt 9, Boston, MA, US"]),
    ]
    result = run(tmp, profiles)
    e1 = rules_of(result, "e1")
    assert e1["HW-02.border"].evidence["addresses"] == ["Room 8, Zhenxing District, Dandong, Liaoning, CN"]
    assert e1["HW-03"].evidence["addresses"][0]["accounts"] == 3
    assert "HW-01" in rules_of(result, "e2")
    assert "HW-02.hub" in rules_of(result, "hub")
    assert "HW-02.hub" not in rules_of(result, "local") and "HW-02.border" not in rules_of(result, "local")
    assert rules_of(result, "home") == {}


def test_company_age_and_domain_age(tmp):
    profiles = [
        profile("young", company="Apex IT LLC", company_registered="2024-09-01", website="apex-it.com",
                domain_registered="2025-03-01"),
        profile("old", company="Acme Software", company_registered="2012-01-01", domain_registered="2012-02-01"),
        profile("bakery", company="Rose Bakery", company_industry="food", company_registered="2025-01-01"),
    ]
    result = run(tmp, profiles)
    young = rules_of(result, "young")
    assert young["ORG-01"].evidence["age_days"] == 92 and young["TP-04"].score == pytest.approx(W["TP-04"] / 2)
    assert rules_of(result, "old") == {} and rules_of(result, "bakery") == {}


def test_party_screening_of_person_company_and_payee_is_cached(tmp):
    screener = FakeScreener({"Jong Song Hwa": "un_sc-KPi.1", "Yanbian Silverstar": "us_ofac_sdn-2",
                             "Kim Sang Man": "us_ofac_sdn-3"})
    profiles = [
        profile("p1", name="Jong Song Hwa", company="Yanbian Silverstar",
                payment_accounts=[{"type": "bank", "account": "b1", "holder": "Kim Sang Man"}]),
        profile("p2", name="jong song hwa"),
    ]
    result = run(tmp, profiles, screener=screener)
    p1 = rules_of(result, "p1")
    assert p1["SCR-PERSON"].evidence["match"]["id"] == "un_sc-KPi.1"
    assert p1["ORG-03"].evidence["company"] == "Yanbian Silverstar"
    assert p1["SCR-PAYEE"].evidence["match"]["id"] == "us_ofac_sdn-3"
    assert p1["SCR-PERSON"].score == pytest.approx(0.8)  # a name-only match never blocks alone
    assert result.alert("p1").level == Level.BLOCK  # person + company + payee together do
    assert sum(1 for q, s in screener.calls if q.lower() == "jong song hwa") == 1  # cached by name
    assert "SCR-PERSON" in rules_of(result, "p2")


def test_list_hits_of_the_wrong_kind_are_ignored_and_non_dprk_hits_weigh_less(tmp):
    class Mixed(FakeScreener):
        def screen(self, query, *, schema=None, countries=None, **kwargs):
            result = super().screen(query, schema=schema, countries=countries)
            for match in result.results:
                if str(query).lower() == "ana li":
                    match.schema = "Vessel"  # a person's name is not a ship
                if str(query).lower() == "zhang wei":
                    match.dprk, match.programs = False, ["SDGT"]
            return result

    screener = Mixed({"Ana Li": "us_ofac_sdn-1", "Zhang Wei": "us_ofac_sdn-2"})
    result = run(tmp, [profile("v", name="Ana Li"), profile("z", name="Zhang Wei")], screener=screener)
    assert rules_of(result, "v") == {}
    z = rules_of(result, "z")["SCR-PERSON"]
    assert z.score == pytest.approx(0.8 * 0.5) and "homonym" in z.summary
    assert result.alert("z").level == Level.CLEAR  # supports other signals, does not flag alone


def test_without_a_screener_the_result_says_so(tmp):
    result = run(tmp, [profile("x")])
    assert any("party screening not run" in n for n in result.notes)


def test_composite_g05(tmp):
    events = events_at_hours("g", NY_OFFICE, locale="ko-KR")
    profiles = [profile("g", company="Nova Tech", company_registered="2024-06-01",
                        shipping=["Room 3, Zhenxing District, Dandong, CN"])]
    result = run(tmp, profiles, events)
    assert rules_of(result, "g")["G-05"].citation.grade == Grade.B
