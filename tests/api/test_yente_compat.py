"""A yente client's request parses, and interdict's answer has the shape a yente client reads.

``YenteClient*`` below are the response shapes a yente client relies on, written from yente's public
models (field names, types, required fields): they accept the recorded yente response, and must
accept interdict's response to the same request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from interdict.api.models import EntityMatchQuery


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {token}"}

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "api"


class ClientFeature(BaseModel):
    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class ClientTotal(BaseModel):
    value: int
    relation: str


class ClientExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: dict[str, str | list[Any]]


class ClientResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    score: float
    explanations: dict[str, ClientFeature]
    match: bool


class ClientMatches(BaseModel):
    status: int
    results: list[ClientResult]
    total: ClientTotal
    query: ClientExample


class ClientResponse(BaseModel):
    responses: dict[str, ClientMatches]
    limit: int


def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_recorded_pair_fits_the_client_shapes():
    req = EntityMatchQuery.model_validate(_load("yente_match_request.json"))
    assert set(req.queries) == {"entity1", "entity2", "entity3"}
    assert req.queries["entity2"].id == "customer-0042"
    ClientResponse.model_validate(_load("yente_match_response.json"))


def test_yente_request_gets_a_yente_response(client, tokens):
    request = _load("yente_match_request.json")
    recorded = _load("yente_match_response.json")
    r = client.post("/match/default?algorithm=logic-v2&threshold=0.7", json=request, headers=auth(tokens["screener"]))
    assert r.status_code == 200, r.text
    body = r.json()
    parsed = ClientResponse.model_validate(body)
    assert set(parsed.responses) == set(recorded["responses"])
    assert r.headers["x-batch-size"] == "3"
    for key, rec in recorded["responses"].items():
        ours = body["responses"][key]
        assert set(rec) <= set(ours), f"{key}: missing {set(rec) - set(ours)}"
        assert ours["query"]["schema"] == rec["query"]["schema"]
        assert ours["query"]["properties"]["name"] == rec["query"]["properties"]["name"]
        for result in ours["results"]:
            assert set(rec["results"][0] if rec["results"] else ours["results"][0]) <= set(result)
    # the same answers: the DPRK company matches, the ordinary name does not
    top2 = body["responses"]["entity2"]["results"][0]
    assert top2["caption"] == "KOREA KUMSAN TRADING CORPORATION" and top2["match"] is True
    assert "us_ofac_sdn" in top2["datasets"]
    assert not any(x["match"] for x in body["responses"]["entity3"]["results"])
    assert body["limit"] == 5
    assert all(ours["audit_record"].startswith("aud-") for ours in body["responses"].values())


def test_yente_style_errors(client, tokens):
    h = auth(tokens["screener"])
    assert client.post("/match/nope", json={"queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}}}},
                       headers=h).status_code == 404
    r = client.post("/match/default", json={"queries": {"a": {"schema": "Spaceship", "properties": {"name": ["x"]}}}},
                    headers=h)
    assert r.status_code == 400 and "schema" in r.json()["detail"]
    assert client.post("/match/default", json={"queries": {}}, headers=h).status_code == 400
    r = client.post("/match/default", json={"config": {"nm_number_mismatch": 0.4},
                                            "queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}}}},
                    headers=h)
    assert r.status_code == 400
    assert client.post("/match/default?algorithm=made-up", json={"queries": {"a": {"schema": "Person",
                       "properties": {"name": ["x"]}}}}, headers=h).status_code == 422


def test_match_response_validates_against_the_documented_model(client, tokens):
    from interdict.api.models import EntityMatchResponse

    r = client.post("/match/default", json=_load("yente_match_request.json"), headers=auth(tokens["screener"]))
    EntityMatchResponse.model_validate(r.json())
