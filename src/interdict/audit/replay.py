"""Replay a recorded screening against the list versions it recorded (all versions stay in the store).

The recorded versions are checked first (their sha256 in the store must equal the recorded one, or
the replay would prove nothing); a screener is built over exactly those versions' entities and the
recorded query is screened again with the recorded threshold, limit and dataset. Differences are
listed per candidate: missing, new, score moved, match flag flipped. A different algorithm
configuration hash is reported too (a changed matcher explains changed scores).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from interdict.audit.db import ServiceDB
from interdict.audit.screening import algorithm_info
from interdict.audit.trail import get_record
from interdict.exc import InvalidInput, StoreError

__all__ = ["replay", "ReplayReport"]

SCORE_TOLERANCE = 1e-4

_CACHE: OrderedDict[tuple[int, ...], Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()


@dataclass
class ReplayReport:
    record_id: str
    same: bool
    list_versions: dict[str, Any]
    differences: list[dict[str, Any]] = field(default_factory=list)
    replayed: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _screener_for(store: Any, version_ids: tuple[int, ...]) -> Any:
    from interdict.screening import Screener

    with _CACHE_LOCK:
        if version_ids in _CACHE:
            _CACHE.move_to_end(version_ids)
            return _CACHE[version_ids]
    screener = Screener.from_entities(store.iter_entities(version_ids=list(version_ids)))
    with _CACHE_LOCK:
        _CACHE[version_ids] = screener
        while len(_CACHE) > 2:
            _CACHE.popitem(last=False)
    return screener


def replay(db: ServiceDB, record_id: str, *, store: Any, current: Any = None) -> ReplayReport:
    """``current``: a screener already loaded for the store's current versions (the API's); used
    when the record's versions are exactly those, so a replay of a recent screening is instant."""
    rec = get_record(db, record_id)
    if rec.kind != "screening":
        raise InvalidInput(f"{record_id} is a {rec.kind} record; only screenings can be replayed")
    body = rec.body
    lists = {k: v for k, v in (body.get("lists") or {}).items() if not k.startswith("_")}
    if not lists:
        raise InvalidInput(f"{record_id} records no list versions; it cannot be replayed")
    version_ids = []
    for source, info in sorted(lists.items()):
        vid = info.get("version")
        if vid is None:
            raise InvalidInput(f"{record_id}: no version id recorded for {source}")
        stored = store.get_version(int(vid))
        if info.get("sha256") and stored.sha256 != info["sha256"]:
            raise StoreError(f"{source} version {vid} in the store has sha256 {stored.sha256[:12]}..., the record "
                             f"says {str(info['sha256'])[:12]}...: the stored list is not the one screened against")
        version_ids.append(int(vid))
    wanted = tuple(sorted(version_ids))
    now = tuple(sorted(int(v.id) for v in store.current_versions().values()))
    if current is not None and wanted == now:
        screener = current
    else:
        screener = _screener_for(store, wanted)
    params = body.get("params") or {}
    recorded = body.get("candidates") or []
    limit = int(params.get("screen_limit") or params.get("limit") or max(len(recorded), 10))
    dataset = body.get("dataset") or "default"
    if dataset.startswith("delta:"):
        dataset = "default"
    query = body.get("query")
    if isinstance(query, dict):
        query = {"schema": query.get("schema") or "LegalEntity", "properties": query.get("properties") or {}}
    result = screener.screen(query, threshold=body.get("threshold"), limit=limit, dataset=dataset)
    replayed = [{"id": m.id, "caption": m.caption, "score": round(float(m.score), 4), "match": bool(m.match)}
                for m in result.results]
    diffs: list[dict[str, Any]] = []
    before = {c["id"]: c for c in recorded}
    after = {c["id"]: c for c in replayed}
    delta_run = str(body.get("dataset") or "").startswith("delta:")
    for eid, c in before.items():
        if eid not in after:
            diffs.append({"entity_id": eid, "change": "missing in replay", "recorded": c.get("score")})
            continue
        r = after[eid]
        if abs(float(c.get("score") or 0) - r["score"]) > SCORE_TOLERANCE:
            diffs.append({"entity_id": eid, "change": "score", "recorded": c.get("score"), "replayed": r["score"]})
        if bool(c.get("match")) != r["match"]:
            diffs.append({"entity_id": eid, "change": "match", "recorded": c.get("match"), "replayed": r["match"]})
    if not delta_run:  # a delta screening only looked at changed entities; new ones are expected then
        for eid, r in after.items():
            if eid not in before:
                diffs.append({"entity_id": eid, "change": "new in replay", "replayed": r["score"]})
    recorded_algo = body.get("algorithm") or {}
    now_algo = algorithm_info(screener)
    if recorded_algo.get("config_hash") and recorded_algo.get("config_hash") != now_algo.get("config_hash"):
        diffs.append({"change": "algorithm", "recorded": recorded_algo, "replayed": now_algo})
    return ReplayReport(record_id, not diffs, lists, diffs, replayed)
