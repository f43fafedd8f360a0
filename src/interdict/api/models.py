"""Request and response models.

The first group reproduces OpenSanctions yente's public API models (``yente/data/common.py``:
``EntityExample``, ``EntityMatchQuery``, ``EntityMatches``, ``EntityMatchResponse``,
``ScoredEntityResponse``, ``SearchResponse``, ``DataCatalogModel``, ``AlgorithmResponse``) field for
field, so a yente client parses interdict's answers unchanged. interdict adds fields a yente client
ignores (``features`` is kept beside ``explanations`` for clients of yente versions before 4, which
required it; ``decision``, ``programs``, ``also_on``, ``audit_record``).

The second group is interdict's own: batch screening, decisions, the customer book, the audit trail.
"""

from __future__ import annotations

from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field

# ---------------------------------------------------------------------------------------------
# yente-compatible models
# ---------------------------------------------------------------------------------------------

EntityProperties = dict[str, list[Union[str, "EntityResponse"]]]


class ErrorResponse(BaseModel):
    detail: Any = Field(..., examples=["Detailed error message"])


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["us_ofac_sdn-12345"])
    caption: str = Field(..., examples=["KOREA MINING DEVELOPMENT TRADING CORPORATION"])
    schema_: str = Field(..., examples=["Company"], alias="schema")
    properties: EntityProperties = Field(..., examples=[{"name": ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]}])
    datasets: list[str] = Field([], examples=[["us_ofac_sdn"]])
    referents: list[str] = Field([], examples=[[]])
    target: bool = Field(False)
    first_seen: str | None = Field(None, examples=["2023-12-28T00:00:00"])
    last_seen: str | None = Field(None, examples=["2024-05-03T00:00:00"])
    last_change: str | None = Field(None, examples=["2024-05-03T00:00:00"])


EntityResponse.model_rebuild()


class FeatureResult(BaseModel):
    """As nomenklatura's ``FeatureResult``: a feature's score and how it came about."""

    detail: str | None = None
    score: float
    query: str | None = None
    candidate: str | None = None


class DecisionInfo(BaseModel):
    decision_id: str
    status: str = Field(..., examples=["false_positive"])
    reason: str
    analyst: str
    decided_at: str
    suppressed: bool = Field(..., description="True while a false positive keeps this hit from alerting.")
    reopened_because: list[str] = Field([], examples=[["list entity: new name or alias 'kim il'"]])


class ScoredEntityResponse(EntityResponse):
    score: float = Field(0.99, examples=[0.93])
    explanations: dict[str, FeatureResult] = Field(
        default_factory=dict,
        description="Subscores of the algorithm's features and how each was calculated (yente 4 shape).",
    )
    features: dict[str, float] = Field(default_factory=dict, description="Feature scores (yente 3 shape).")
    match: bool = Field(False, description="Score above the threshold, and not a false positive decided earlier.")
    # interdict additions
    programs: list[str] = Field([], examples=[["DPRK3"]])
    also_on: list[str] = Field([], description="Other list entries for the same party.")
    decision: DecisionInfo | None = None
    explanation: dict[str, Any] | None = Field(
        None, description="interdict's full explanation: names and forms that met, token pairs, feature "
        "values, their contributions, qualifiers (identifiers, dates, countries)."
    )


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[42])
    relation: str = Field("eq", examples=["eq"])


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["customer-0042"])
    schema_: str = Field(..., examples=["Person"], alias="schema")
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["John Doe"]}])


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = Field({}, examples=[{}])
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="Algorithm-specific configuration parameters (none are accepted yet)."
    )
    queries: dict[str, EntityExample]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "queries": {
                        "q1": {"schema": "Company",
                               "properties": {"name": ["Korea Mining Development Trading Corp"],
                                              "country": ["kp"]}},
                        "q2": {"id": "customer-0042", "schema": "Person",
                               "properties": {"name": ["Jane Smith"], "birthDate": ["1980-03-01"]}},
                    }
                }
            ]
        }
    )


class EntityMatches(BaseModel):
    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample
    audit_record: str | None = Field(None, description="interdict: id of the audit record of this screening.")


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float = 1.0
    url: str = ""


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc] = Field(default_factory=dict, description="Features of the algorithm used.")
    limit: int = Field(..., examples=[5])


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int = Field(..., examples=[10])
    offset: int = Field(0, examples=[0])
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]


class DatasetModel(BaseModel):
    name: str
    title: str
    summary: str | None = None
    url: str | None = None
    load: bool = True
    entities_url: str | None = None
    version: str
    index_version: str | None = None
    index_current: bool = True
    children: list[str] = []
    # interdict additions
    entity_count: int | None = None
    versions: list[dict[str, Any]] = Field(default_factory=list, description="List versions in this dataset.")


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    config: dict[str, Any] = {}
    features: dict[str, FeatureDoc] = {}


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc] = {}
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class StatusResponse(BaseModel):
    status: str = "ok"


# ---------------------------------------------------------------------------------------------
# interdict's own endpoints
# ---------------------------------------------------------------------------------------------


class ReadyResponse(BaseModel):
    status: str = Field(..., examples=["ok"])
    ready: bool
    detail: str | None = None
    entities: int | None = None


class BatchParty(BaseModel):
    id: str = Field(..., description="Stable id of the party in your system.", examples=["cust-0001"])
    name: str | None = Field(None, examples=["Kim Jong Un"])
    schema_: str | None = Field(None, alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(default_factory=dict)
    model_config = ConfigDict(populate_by_name=True)


class BatchRequest(BaseModel):
    parties: list[BatchParty]
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(5, ge=1, le=50)
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"parties": [
            {"id": "cust-0001", "name": "Korea Kumsan Trading Corporation", "schema": "Company"},
            {"id": "cust-0002", "schema": "Person", "properties": {"name": ["Jane Smith"], "birthDate": ["1980"]}},
        ]}]}
    )


class BatchItem(BaseModel):
    id: str
    audit_record: str | None = Field(None, description="The screening's audit record; null when the party was "
                                     "refused (see error).")
    alert: bool
    results: list[ScoredEntityResponse]
    error: str | None = Field(None, description="Why this party was not screened (the others still are).")


class BatchResponse(BaseModel):
    dataset: str
    items: list[BatchItem]
    alerts: int


class DecisionRequest(BaseModel):
    subject: str | None = Field(None, description="Stable id of the customer/query (book: 'book:<id>'). "
                                "Taken from the audit record when omitted.", examples=["book:cust-0001"])
    entity_id: str = Field(..., examples=["us_ofac_sdn-12345"])
    status: str = Field(..., examples=["false_positive"], description="confirmed_match, false_positive, needs_review")
    reason: str = Field(..., min_length=1, max_length=4000, examples=["Different person: born 1985, lives in Lyon"])
    audit_record: str | None = Field(None, examples=["aud-00000012"],
                                     description="The screening the decision is about (recommended).")
    query_key: str | None = Field(None, description="Which query of that record (for /match batches).")
    subject_properties: dict[str, str | list[Any]] | None = Field(
        None, description="The subject's data when neither a book customer nor an audit record gives it."
    )
    subject_schema: str | None = None


class DecisionResponse(BaseModel):
    decision_id: str
    subject: str
    entity_id: str
    status: str
    reason: str
    analyst: str
    created_at: str
    entity_facts: dict[str, list[str]]
    subject_facts: dict[str, list[str]]
    audit_record: str | None = None


class BookImportResponse(BaseModel):
    added: int
    updated: int
    unchanged: int
    deactivated: int
    problems: list[dict[str, Any]] = []


class RescreenResponse(BaseModel):
    run_id: int
    mode: str
    list_changes: dict[str, Any]
    customers_screened_full: int
    customers_screened_delta: int
    entities_changed: int
    new_alerts: list[dict[str, Any]]
    resolved_alerts: list[dict[str, Any]]
    open_alerts: int
    audit_records: int


class AuditRecordModel(BaseModel):
    record_id: str
    seq: int
    ts: str
    kind: str
    actor: str
    channel: str
    subject: str | None
    body: dict[str, Any]
    prev_hash: str
    hash: str


class VerifyResponse(BaseModel):
    ok: bool
    records: int
    head: str
    first_bad: str | None = None
    first_bad_seq: int | None = None
    problem: str | None = None
    checks: list[str] | None = Field(None, description="What the newest record was compared with besides the "
                                     "chain: the anchor row and this machine's head file")


class ReplayResponse(BaseModel):
    record_id: str
    same: bool
    list_versions: dict[str, Any]
    differences: list[dict[str, Any]]
    replayed: list[dict[str, Any]]


class KeyCreateRequest(BaseModel):
    label: str = Field(..., min_length=1, max_length=200, examples=["core-banking onboarding"])
    role: str = Field(..., examples=["screener"])


class KeyModel(BaseModel):
    key_id: str
    label: str
    role: str
    created_at: str
    created_by: str
    revoked_at: str | None = None


class KeyCreated(KeyModel):
    token: str = Field(..., description="The key itself: shown once, only a hash is stored.")
