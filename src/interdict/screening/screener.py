"""The long-lived :class:`Screener`: one index in memory, many queries.

``Screener.open()`` opens the store, loads (or builds once and saves) the candidate index for the
store's fingerprint, and answers :meth:`Screener.screen` in about a millisecond. Records of one
party on several lists come back as one :class:`~interdict.screening.results.Match` whose
``also_on`` names each other list's record and reference.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import numpy as np

from interdict.exc import InvalidInput
from interdict.matching.calibrate import Calibration, load_calibration
from interdict.matching.explain import explain
from interdict.matching.index import Index, build_index, cached_index_path, load_or_build
from interdict.matching.query import PartyQuery, make_query
from interdict.matching.scorer import ALGORITHM, ALGORITHM_VERSION, Scored, Scorer
from interdict.screening.results import ComparisonResult, Match, ScreeningResult

__all__ = ["Screener", "DATASETS", "LIST_TITLES"]

#: Dataset names accepted by ``dataset=``: all lists, DPRK-related entries, or one source.
DATASETS = ("default", "dprk", "un", "ofac", "csl")
LIST_TITLES = {
    "un_sc": "UN Security Council Consolidated List",
    "us_ofac_sdn": "OFAC Specially Designated Nationals List",
    "us_ofac_cons": "OFAC Consolidated (non-SDN) List",
    "us_csl": "US Consolidated Screening List",
}
_SOURCE_ORDER = {"un_sc": 0, "us_ofac_sdn": 1, "us_ofac_cons": 2, "us_csl": 3}
_ALIASES = {"un": "un", "ofac": "us_ofac", "sdn": "us_ofac_sdn", "csl": "us_csl"}


class _LazyStore:
    """Opens the store read-only on first use (the cached index answers queries without it), so
    several screening processes can read one store at once."""

    def __init__(self, settings: Any) -> None:
        self._settings = settings
        self._store: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._store is None:
            from interdict.store import open_store

            self._store = open_store(self._settings, read_only=True)
        return getattr(self._store, name)


def _list_title(source: str) -> str:
    return LIST_TITLES.get(source, source)


class Screener:
    """Screens parties against one loaded index; thread-safe for reads (caches are plain dicts)."""

    def __init__(self, index: Index, calibration: Calibration | None = None, store: Any = None) -> None:
        self.index = index
        self.calibration = calibration or load_calibration()
        self.scorer = Scorer(index, self.calibration)
        self.store = store
        self._masks: dict[str, np.ndarray | None] = {}
        self._versions: dict[str, Any] | None = None

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Any = None, store: Any = None, calibration: Calibration | None = None,
             auto_load: bool = True) -> Screener:
        """Open the store and load the index for its current lists (built and saved on first use).

        With ``auto_load`` an empty store is first filled with the bundled list snapshots
        (``interdict lists load``), so a fresh install screens without any setup.
        """
        from interdict.config import get_settings

        settings = settings or get_settings()
        if store is None:
            cached = cached_index_path(settings.index_dir, settings)
            if cached is not None:
                try:
                    return cls(Index.load(cached), calibration, store=_LazyStore(settings))
                except Exception:  # noqa: BLE001 - fall back to the full check below
                    pass
        from interdict.store import open_store  # imports followthemoney: only when needed

        store = store or open_store(settings)
        if auto_load and not store.current_versions():
            from interdict.lists import load

            load(settings=settings, store=store)
        index = load_or_build(store, settings.index_dir)
        return cls(index, calibration, store=store)

    @classmethod
    def from_entities(cls, entities: Iterable[Any], calibration: Calibration | None = None) -> Screener:
        """A screener over given FtM entities (tests, replay of recorded list versions, rescreens)."""
        return cls(build_index(entities), calibration)

    # -- self-description ----------------------------------------------------------------------
    def list_versions(self) -> dict[str, Any]:
        """The list versions screened against, by source: ``{source: {"version", "label", "sha256"}}``."""
        if self._versions is None:
            versions: dict[str, Any] = {}
            if self.store is not None and hasattr(self.store, "current_versions"):
                current = self.store.current_versions()
                items = current.values() if isinstance(current, dict) else current
                for v in items:
                    get = v.get if isinstance(v, dict) else (lambda k, _v=v: getattr(_v, k, None))
                    source = get("source")
                    if source:
                        versions[str(source)] = {"version": get("id"), "label": get("label"),
                                                 "sha256": get("sha256")}
            versions.setdefault("_index", {"version": self.index.fingerprint, "sha256": None})
            self._versions = versions
        return self._versions

    def algorithm_info(self) -> dict[str, Any]:
        """Algorithm name, version and the hash of its configuration (calibration weights, threshold)."""
        config = json.dumps(self.calibration.to_dict(), sort_keys=True, default=str)
        return {
            "name": ALGORITHM,
            "version": ALGORITHM_VERSION,
            "config_hash": hashlib.sha256(config.encode()).hexdigest(),
            "threshold": self.calibration.threshold,
        }

    # -- datasets ------------------------------------------------------------------------------
    def datasets(self) -> list[str]:
        return ["default", "dprk", *sorted(set(self.index.sources))]

    def mask(self, dataset: str | None) -> np.ndarray | None:
        name = (dataset or "default").strip().lower()
        if name in ("default", "all", ""):
            return None
        if name in self._masks:
            return self._masks[name]
        if name == "dprk":
            mask = self.index.dprk.copy()
        else:
            prefix = _ALIASES.get(name, name)
            sources = np.array(self.index.sources)
            mask = np.char.startswith(sources.astype(str), prefix)
            if not mask.any():
                raise InvalidInput(
                    f"unknown dataset {dataset!r}; use one of: {', '.join(self.datasets())}"
                )
        self._masks[name] = mask
        return mask

    # -- screening -----------------------------------------------------------------------------
    def screen(
        self,
        query: Any,
        *,
        schema: str | None = None,
        countries: Any = None,
        birth_date: Any = None,
        identifiers: Any = None,
        threshold: float | None = None,
        limit: int = 10,
        dataset: str = "default",
        explain_results: bool = True,
    ) -> ScreeningResult:
        """Screen one name or party; see :func:`interdict.screening.screen`."""
        from interdict.screening.io import clean_query_input

        # control characters and overlong names are warned about, not silent
        query, notes = clean_query_input(query)
        pq = make_query(query, schema=schema, countries=countries, birth_date=birth_date,
                        identifiers=identifiers)
        pq.problems[:0] = notes
        return self.screen_query(pq, threshold=threshold, limit=limit, dataset=dataset,
                                 explain_results=explain_results)

    def screen_query(self, pq: PartyQuery, *, threshold: float | None = None, limit: int = 10,
                     dataset: str = "default", explain_results: bool = True) -> ScreeningResult:
        threshold = self.calibration.threshold if threshold is None else float(threshold)
        limit = max(1, int(limit))
        mask = self.mask(dataset)
        problems = list(pq.problems)
        if not pq.names and not pq.weak_names and not pq.identifiers:
            problems.append("nothing to screen: no usable name or identifier")
            return ScreeningResult(self.query_dict(pq), [], threshold, dataset, problems)
        prepared = self.scorer.prepare(pq)
        if not prepared.forms and not pq.identifiers:
            problems.append("no comparable name form (the name has no letters this engine can read)")
        scored = self.scorer.score(prepared, k=max(12, limit + 4), mask=mask)
        matches = self._group(scored, threshold, limit, explain_results)
        return ScreeningResult(self.query_dict(pq), matches, threshold, dataset, problems)

    def query_dict(self, pq: PartyQuery) -> dict[str, Any]:
        """The cleaned query as a JSON-able dict (FtM shape) with the comparable forms of its names."""
        data = pq.to_dict()
        forms = []
        for name in pq.names + pq.weak_names:
            for form in self.scorer.forms_for(name, pq.schema):
                forms.append({"name": name, "form": form.text, "kind": form.kind})
        data["forms"] = forms
        return data

    def _group(self, scored: list[Scored], threshold: float, limit: int, explain_results: bool) -> list[Match]:
        index = self.index
        hits: dict[int, Match] = {}
        order: list[int] = []
        # equal scores: the designating list leads (UN, then OFAC), the CSL copy follows
        scored = sorted(scored, key=lambda s: (-round(s.score, 9), _SOURCE_ORDER.get(index.sources[s.entity], 9)))
        for s in scored:
            e = s.entity
            group = int(index.groups[e])
            if group in hits:
                hit = hits[group]
                for other in hit.also_on:
                    if other["id"] == index.ids[e]:
                        other["score"] = round(s.score, 4)
                continue
            if s.score <= 0.0:
                continue
            if len(order) >= limit:
                continue
            match = Match(
                id=index.ids[e],
                source=index.sources[e],
                source_id=index.source_ids[e],
                caption=index.captions[e],
                schema=index.schemata[e],
                score=s.score,
                match=s.score >= threshold,
                matched_name=s.list_name,
                explanations=explain(s, index, self.calibration) if explain_results else {},
                programs=list(index.programs[e]),
                dprk=bool(index.dprk[e]),
            )
            for m in index.group_members.get(group, ()):
                if m == e:
                    continue
                match.also_on.append({
                    "id": index.ids[m],
                    "source": index.sources[m],
                    "list": _list_title(index.sources[m]),
                    "source_id": index.source_ids[m],
                    "caption": index.captions[m],
                    "score": None,
                })
                for p in index.programs[m]:
                    if p not in match.programs:
                        match.programs.append(p)
                match.dprk = match.dprk or bool(index.dprk[m])
            hits[group] = match
            order.append(group)
        return [hits[g] for g in order]

    def screen_many(self, queries: Iterable[Any], **kwargs: Any) -> Iterable[ScreeningResult]:
        for query in queries:
            yield self.screen(query, **kwargs)

    # -- pairs ---------------------------------------------------------------------------------
    def compare(self, a: Any, b: Any, schema: str | None = None, threshold: float | None = None,
                exclude_names: Iterable[str] = ()) -> ComparisonResult:
        """Score one pair: ``a`` is the query, ``b`` a name, FtM-style dict or EntityProxy.

        Token weights come from this screener's index, so common list words weigh less here too.
        ``exclude_names`` drops those names from ``b`` first (used to hold out an alias).
        """
        threshold = self.calibration.threshold if threshold is None else float(threshold)
        scored, mini = self.score_pair(a, b, schema=schema, exclude_names=exclude_names)
        if scored is None:
            return ComparisonResult(0.0, False, threshold, {"problems": ["nothing to compare"]})
        return ComparisonResult(scored.score, scored.score >= threshold, threshold,
                                explain(scored, mini, self.calibration))

    def score_pair(self, a: Any, b: Any, schema: str | None = None,
                   exclude_names: Iterable[str] = ()) -> tuple[Scored | None, Index]:
        """The raw :class:`Scored` (features included) for one pair, and the one-entity index used."""
        from followthemoney import model

        pq = a if isinstance(a, PartyQuery) else make_query(a, schema=schema)
        if hasattr(b, "schema") and hasattr(b, "iterprops"):
            entity = b.clone() if hasattr(b, "clone") else b
        else:
            bq = make_query(b, schema=schema or (b.get("schema") if isinstance(b, dict) else None))
            data = bq.to_dict()
            if bq.schema is None:
                data["schema"] = pq.schema or "LegalEntity"
            entity = model.make_entity(data["schema"])
            for prop, values in data["properties"].items():
                for value in values:
                    entity.add(prop, value, quiet=True)
        entity.id = entity.id or "compare-b"
        excluded = {x.strip().casefold() for x in exclude_names}
        if excluded:
            for prop in ("name", "alias", "previousName", "weakAlias", "abbreviation"):
                values = [v for v in entity.get(prop, quiet=True) if v.strip().casefold() not in excluded]
                entity.set(prop, values, quiet=True)
        mini = build_index([entity], fingerprint="compare")
        if mini.size == 0:
            return None, mini
        # weigh tokens by the real lists, not by a one-entity index
        for key, k in mini.vocab.items():
            mini.idf[k] = self.index.key_weight(key) if self.index.size else 1.0
        scorer = Scorer(mini, self.calibration, weight_index=self.index if self.index.size else None)
        return scorer.score_entity(scorer.prepare(pq), 0), mini

    # -- alerts --------------------------------------------------------------------------------
    def alert(self, query: Any, *, subject: str | None = None, threshold: float | None = None,
              dataset: str = "default", **kwargs: Any) -> Any:
        """The shared :class:`~interdict.model.Alert` for one party (engine ``screening``)."""
        result = self.screen(query, threshold=threshold, dataset=dataset, **kwargs)
        return result_alert(result, subject=subject)


def result_alert(result: ScreeningResult, subject: str | None = None) -> Any:
    """An :class:`~interdict.model.Alert` from a ScreeningResult: one reason per matched party
    (score = calibrated probability)."""
    from interdict.model import Alert, Citation, Level, Reason, level_for  # pydantic: only when asked

    reasons: list[Reason] = []
    for m in result.matched:
        refs = [f"{_list_title(m.source)} {m.source_id}"] + [f"{a['list']} {a['source_id']}" for a in m.also_on]
        has_id = any(q.get("feature") == "identifier_match" for q in m.explanations.get("qualifiers", []))
        reasons.append(Reason(
            rule_id="screening-identifier-match" if has_id else "screening-name-match",
            summary=f"{result.query['properties']['name'][0] if result.query['properties'].get('name') else 'query'}"
                    f" may be {m.caption} ({'; '.join(refs)}), score {m.score:.2f}",
            score=min(max(m.score, 0.0), 1.0),
            evidence={"id": m.id, "matched_name": m.matched_name, "also_on": m.also_on,
                      "programs": m.programs, "explanations": m.explanations},
            citation=Citation(instrument=_list_title(m.source), paragraph=m.source_id, grade="A"),
        ))
    score = max((r.score for r in reasons), default=(result.best.score if result.best else 0.0))
    level = level_for(score, reasons, review=result.threshold) if reasons else Level.CLEAR
    subject = subject or result.query.get("id") or (result.query["properties"].get("name") or [""])[0]
    return Alert(subject=str(subject), subject_type="party", score=min(score, 1.0), level=level, reasons=reasons,
                 engine="screening", caption=(result.query["properties"].get("name") or [None])[0],
                 details={"dataset": result.dataset, "threshold": result.threshold,
                          "problems": result.problems})
