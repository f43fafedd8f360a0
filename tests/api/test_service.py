from __future__ import annotations

import csv
import io
from dataclasses import replace

from fastapi.testclient import TestClient

from interdict.api.app import create_app
from interdict.api.engine import Engine


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {token}"}

KUMSAN = {"schema": "Company", "properties": {"name": ["Korea Kumsan Trading Corporation"]}}


def _match(client, token, queries, params=""):
    r = client.post(f"/match/default{params}", json={"queries": queries}, headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()["responses"]


# -- auth and limits -----------------------------------------------------------------------------


def test_health_needs_no_key_and_everything_else_does(client, tokens):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    r = client.post("/match/default", json={"queries": {"a": KUMSAN}})
    assert r.status_code == 401 and r.headers.get("www-authenticate")
    assert "Authorization: ApiKey <key>" in r.json()["detail"]  # the form docs/api.md leads with
    assert client.post("/match/default", json={"queries": {"a": KUMSAN}},
                       headers={"Authorization": "Bearer idk_nope.nope"}).status_code == 401
    for header in ({"Authorization": f"Bearer {tokens['screener']}"}, {"X-API-Key": tokens["screener"]},
                   auth(tokens["screener"])):
        assert client.post("/match/default", json={"queries": {"a": KUMSAN}}, headers=header).status_code == 200


def test_roles(client, tokens):
    body = {"subject": "x", "entity_id": "us_ofac_sdn-1", "status": "false_positive", "reason": "r",
            "subject_properties": {"name": ["x"]}}
    r = client.post("/decisions", json=body, headers=auth(tokens["screener"]))
    assert r.status_code == 403 and "analyst" in r.json()["detail"]
    assert client.get("/admin/keys", headers=auth(tokens["analyst"])).status_code == 403
    assert client.get("/audit/verify", headers=auth(tokens["screener"])).status_code == 403
    assert client.get("/audit/verify", headers=auth(tokens["analyst"])).status_code == 200
    listed = client.get("/admin/keys", headers=auth(tokens["admin"])).json()
    assert {k["role"] for k in listed} >= {"screener", "analyst", "admin"}
    assert all("token" not in k and "secret_hash" not in k for k in listed)


def test_key_lifecycle_over_the_api(client, tokens):
    r = client.post("/admin/keys", json={"label": "temp", "role": "screener"}, headers=auth(tokens["admin"]))
    assert r.status_code == 201
    token, key_id = r.json()["token"], r.json()["key_id"]
    assert client.post("/match/default", json={"queries": {"a": KUMSAN}}, headers=auth(token)).status_code == 200
    assert client.delete(f"/admin/keys/{key_id}", headers=auth(tokens["admin"])).json()["revoked_at"]
    r = client.post("/match/default", json={"queries": {"a": KUMSAN}}, headers=auth(token))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_body_and_batch_limits(client, tokens, api_settings):
    h = auth(tokens["screener"])
    big = {"queries": {"a": {"schema": "Person", "properties": {"name": ["x" * 70_000]}}}}
    r = client.post("/match/default", json=big, headers=h)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    many = {"queries": {f"q{i}": {"schema": "Person", "properties": {"name": [f"Name {i}"]}} for i in range(21)}}
    r = client.post("/match/default", json=many, headers=h)
    assert r.status_code == 422 and "20" in r.json()["detail"]
    r = client.post("/screen/default", json={"parties": [{"id": str(i), "name": "A B"} for i in range(21)]}, headers=h)
    assert r.status_code == 422
    r = client.post("/match/default?limit=500", json={"queries": {"a": KUMSAN}}, headers=h)
    assert r.status_code == 422


def test_readyz_is_503_until_the_lists_are_loaded(api_settings):
    engine = Engine(api_settings)
    app = create_app(api_settings, engine, load=False)
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["ready"] is False
        assert c.post("/match/default", json={"queries": {"a": KUMSAN}}).status_code in (401, 503)
        engine.load()
        assert c.get("/readyz").status_code == 200


def test_readyz_reports_a_failed_load(tmp_path):
    from interdict.config import get_settings

    settings = replace(get_settings(), home=tmp_path)
    engine = Engine(settings)
    app = create_app(settings, engine, load=False)
    engine._load_safely()  # an empty store: nothing to serve
    r = TestClient(app).get("/readyz")
    assert r.status_code == 503 and "no lists loaded" in r.json()["detail"]


# -- data access ---------------------------------------------------------------------------------


def test_search_entities_catalog_algorithms(client, tokens):
    h = auth(tokens["screener"])
    r = client.get("/search/default", params={"q": "kumsan trading"}, headers=h).json()
    assert r["results"][0]["caption"] == "KOREA KUMSAN TRADING CORPORATION"
    assert r["total"]["value"] >= 1 and "countries" in r["facets"]
    only_people = client.get("/search/default", params={"q": "kumsan trading", "schema": "Person"}, headers=h).json()
    assert all(x["schema"] == "Person" for x in only_people["results"])
    dprk = client.get("/search/dprk", params={"q": "trading corporation", "limit": 20}, headers=h).json()
    assert dprk["results"] and all(x["id"].startswith(("us_ofac_sdn", "un_sc")) for x in dprk["results"])
    prog = client.get("/search/default", params={"q": "trading", "programs": "DPRK3", "limit": 50}, headers=h).json()
    assert prog["total"]["value"] >= 1
    eid = r["results"][0]["id"]
    ent = client.get(f"/entities/{eid}", headers=h).json()
    assert ent["id"] == eid and ent["target"] is True and ent["properties"]["name"]
    assert client.get("/entities/no-such-entity", headers=h).status_code == 404
    un = client.get("/search/un_sc", params={"q": "korea"}, headers=h).json()
    assert un["results"] and all(x["datasets"] == ["un_sc"] for x in un["results"])
    cat = client.get("/catalog", headers=h).json()
    names = {d["name"] for d in cat["datasets"]}
    assert {"default", "dprk", "us_ofac_sdn", "un_sc"} <= names
    sdn = next(d for d in cat["datasets"] if d["name"] == "us_ofac_sdn")
    assert sdn["versions"][0]["sha256"] and sdn["entity_count"] > 10_000
    algos = client.get("/algorithms", headers=h).json()
    assert algos["default"] == algos["best"] == algos["algorithms"][0]["name"]


def test_entity_with_sanctions_is_nested(client, tokens, engine):
    h = auth(tokens["screener"])
    with_sanctions = next(i for i in engine.sanctions if i in engine.entities)
    ent = client.get(f"/entities/{with_sanctions}", headers=h).json()
    assert ent["properties"]["sanctions"][0]["schema"] == "Sanction"


def test_openapi_documents_examples(client):
    spec = client.get("/openapi.json").json()
    assert "/match/{dataset}" in spec["paths"] and "/audit/export" in spec["paths"]
    text = str(spec["components"]["schemas"]["EntityMatchQuery"])
    assert "Korea Mining Development" in text


# -- match, audit, decisions ---------------------------------------------------------------------


def test_match_is_audited_with_versions_and_replays(client, tokens, db):
    resp = _match(client, tokens["screener"], {"k": KUMSAN})["k"]
    rid = resp["audit_record"]
    rec = client.get(f"/audit/records/{rid}", headers=auth(tokens["analyst"])).json()
    body = rec["body"]
    assert rec["channel"] == "api" and rec["actor"].startswith("key:")
    assert body["lists"]["us_ofac_sdn"]["sha256"] and body["lists"]["un_sc"]["version"]
    assert body["algorithm"]["config_hash"] and body["normalised"]["properties"]["name"]
    assert body["candidates"][0]["id"] == resp["results"][0]["id"]
    replay = client.post(f"/audit/records/{rid}/replay", headers=auth(tokens["analyst"])).json()
    assert replay["same"] is True, replay["differences"]
    assert client.get("/audit/verify", headers=auth(tokens["analyst"])).json()["ok"] is True


def test_exclude_and_filters(client, tokens):
    first = _match(client, tokens["screener"], {"k": KUMSAN})["k"]["results"][0]["id"]
    again = _match(client, tokens["screener"], {"k": KUMSAN}, f"?exclude_entity_ids={first}")["k"]["results"]
    assert first not in [x["id"] for x in again]
    only_un = _match(client, tokens["screener"], {"k": KUMSAN}, "?include_dataset=un_sc")["k"]["results"]
    assert all("un_sc" in x["datasets"] for x in only_un)
    future = _match(client, tokens["screener"], {"k": KUMSAN}, "?changed_since=2099-01-01")["k"]["results"]
    assert future == []


def test_false_positive_stops_alerting_until_new_facts(client, tokens):
    q = {"id": "cust-77", "schema": "Company", "properties": {"name": ["Korea Kumsan Trading Corporation"]}}
    resp = _match(client, tokens["screener"], {"c": q})["c"]
    top = resp["results"][0]
    assert top["match"] is True and top.get("decision") is None
    r = client.post("/decisions", json={"entity_id": top["id"], "status": "false_positive",
                                        "reason": "our customer is a Lyon bakery", "audit_record": resp["audit_record"]},
                    headers=auth(tokens["analyst"]))
    assert r.status_code == 201, r.text
    assert r.json()["subject"] == "cust-77"
    later = _match(client, tokens["screener"], {"c": q})["c"]["results"][0]
    assert later["id"] == top["id"] and later["match"] is False
    assert later["decision"]["status"] == "false_positive" and later["decision"]["suppressed"] is True
    changed = {**q, "properties": {**q["properties"], "jurisdiction": ["kp"]}}
    reopened = _match(client, tokens["screener"], {"c": changed})["c"]["results"][0]
    assert reopened["match"] is True and reopened["decision"]["suppressed"] is False
    assert reopened["decision"]["reopened_because"] == ["customer: new country or nationality 'kp'"]
    # reversal is a new decision; history keeps both
    client.post("/decisions", json={"subject": "cust-77", "entity_id": top["id"], "status": "confirmed_match",
                                    "reason": "same registration", "subject_properties": q["properties"],
                                    "subject_schema": "Company"}, headers=auth(tokens["analyst"]))
    hist = client.get("/decisions", params={"subject": "cust-77"}, headers=auth(tokens["analyst"])).json()
    assert [d["status"] for d in hist] == ["false_positive", "confirmed_match"]
    final = _match(client, tokens["screener"], {"c": q})["c"]["results"][0]
    assert final["match"] is True and final["decision"]["status"] == "confirmed_match"


def test_decision_must_name_a_candidate_of_the_screening(client, tokens):
    resp = _match(client, tokens["screener"], {"c": KUMSAN})["c"]
    r = client.post("/decisions", json={"entity_id": "us_ofac_sdn-1", "status": "false_positive", "reason": "x",
                                        "audit_record": resp["audit_record"]}, headers=auth(tokens["analyst"]))
    assert r.status_code == 422


def test_batch_screening(client, tokens):
    r = client.post("/screen/dprk", json={"parties": [
        {"id": "p1", "name": "Korea Kumsan Trading Corporation", "schema": "Company"},
        {"id": "p2", "schema": "Person", "properties": {"name": ["Jane Smith"], "birthDate": ["1980"]}}]},
        headers=auth(tokens["screener"]))
    assert r.status_code == 200, r.text
    items = {i["id"]: i for i in r.json()["items"]}
    assert items["p1"]["alert"] is True and items["p2"]["alert"] is False
    rec = client.get(f"/audit/records/{items['p1']['audit_record']}", headers=auth(tokens["analyst"])).json()
    assert rec["channel"] == "batch" and rec["subject"] == "p1" and rec["body"]["dataset"] == "dprk"


def test_batch_screening_bad_party_does_not_block_the_batch(client, tokens):
    ids = ["bp-g1", "bp-b1", "bp-b2", "bp-b3", "bp-g2"]
    r = client.post("/screen/dprk", json={"parties": [
        {"id": "bp-g1", "name": "Korea Kumsan Trading Corporation", "schema": "Company"},
        {"id": "bp-b1", "name": ""},
        {"id": "bp-b2"},
        {"id": "bp-b3", "name": "   ", "properties": {"name": [""]}},
        {"id": "bp-g2", "schema": "Person", "properties": {"name": ["Jane Smith"]}}]},
        headers=auth(tokens["screener"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["id"] for i in body["items"]] == ids
    items = {i["id"]: i for i in body["items"]}
    assert items["bp-g1"]["alert"] is True and items["bp-g1"]["audit_record"] and items["bp-g1"].get("error") is None
    assert items["bp-g2"]["alert"] is False and items["bp-g2"]["audit_record"]
    for bad in ("bp-b1", "bp-b2", "bp-b3"):
        assert "nothing to screen" in items[bad]["error"] and bad in items[bad]["error"]
        assert items[bad]["audit_record"] is None and items[bad]["results"] == [] and items[bad]["alert"] is False
    assert body["alerts"] == 1
    # one audit record per screened party, none for the refused ones; the chain still verifies
    audited = {i: [x["record_id"] for x in client.get("/audit/records", params={"subject": i},
                                                     headers=auth(tokens["analyst"])).json()] for i in ids}
    assert audited == {i: ([items[i]["audit_record"]] if i in ("bp-g1", "bp-g2") else []) for i in ids}
    assert client.get("/audit/verify", headers=auth(tokens["analyst"])).json()["ok"] is True
    r = client.post("/screen/dprk", json={"parties": [{"id": "bp-b4", "name": ""}]}, headers=auth(tokens["screener"]))
    assert r.status_code == 200 and r.json()["items"][0]["error"] and r.json()["alerts"] == 0
    assert client.post("/screen/dprk", json={"parties": "x"}, headers=auth(tokens["screener"])).status_code == 422


def test_audit_export_csv_escapes_formulas(client, tokens):
    _match(client, tokens["screener"], {"c": {"id": "=cmd|' /C calc'!A0", "schema": "Person",
                                              "properties": {"name": ["+Jane Smith"]}}})
    r = client.get("/audit/export", params={"format": "csv"}, headers=auth(tokens["analyst"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    hit = [x for x in rows if "calc" in (x["subject"] or "")]
    assert hit and hit[0]["subject"].startswith("'=")
    assert client.get("/audit/export", params={"format": "xml"}, headers=auth(tokens["analyst"])).status_code == 422


def test_book_over_the_api(client, tokens):
    h = auth(tokens["analyst"])
    csv_body = "id,name,schema\nb1,Korea Kumsan Trading Corporation,Company\nb2,Jane Smith,Person\n"
    r = client.post("/book/customers", content=csv_body, headers={**h, "content-type": "text/csv"})
    assert r.status_code == 200 and r.json()["added"] == 2, r.text
    run = client.post("/book/rescreen", headers=h).json()
    assert run["mode"] == "full"
    assert {a["customer_id"] for a in run["new_alerts"]} == {"b1"}
    again = client.post("/book/rescreen", headers=h).json()
    assert again["mode"] == "delta" and again["new_alerts"] == [] and again["customers_screened_full"] == 0
    alerts = client.get("/book/alerts", headers=h).json()
    assert [a["customer_id"] for a in alerts] == ["b1"]
    r = client.post("/book/customers", json={"customers": [{"id": "b3", "schema": "Person",
                                                            "properties": {"name": ["Kim Jong Un"]}}]}, headers=h)
    assert r.json()["added"] == 1


def test_list_loads_are_admin_only_and_audited(client, tokens):
    assert client.post("/admin/lists/load", params={"source": "un_sc"}, headers=auth(tokens["analyst"])).status_code == 403
    r = client.post("/admin/lists/load", params={"source": "un_sc"}, headers=auth(tokens["admin"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["reports"][0]["status"] == "unchanged" and body["reloaded"] is False  # same file: a no-op
    assert client.post("/admin/lists/load", params={"version": ""}, headers=auth(tokens["admin"])).status_code == 404
    assert client.post("/admin/lists/load", params={"source": "nope"}, headers=auth(tokens["admin"])).status_code == 404
    recs = client.get("/audit/records", params={"kind": "lists"}, headers=auth(tokens["analyst"])).json()
    assert recs and recs[-1]["body"]["action"] == "load"
