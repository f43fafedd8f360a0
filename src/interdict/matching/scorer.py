"""Retrieve candidates from the index and score them: name evidence plus qualifiers, calibrated.

For one query the :class:`Scorer`

1. turns each query name into comparable forms with token keys (:func:`features.make_forms`);
2. retrieves candidate entities by IDF-weighted key overlap (exact keys, then keys one edit away,
   then exact identifiers), with ``numpy.bincount`` over posting arrays;
3. for the best few candidates compares every query form with the list forms that share a key,
   keeps the best pair, and computes the qualifier features (identifiers, birth dates, countries,
   schema);
4. turns the feature vector into a probability with the calibrated logistic model
   (:mod:`interdict.matching.calibrate`). An equal strong identifier decides (score >= 0.97).

Missing evidence contributes 0: only a contradiction (two birth dates years apart, two country
sets with nothing in common, two identifiers of one kind that differ) lowers the score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from interdict.matching.calibrate import Calibration, load_calibration
from interdict.matching.features import (
    FEATURES,
    Form,
    NameEvidence,
    compare_countries,
    compare_dates,
    compare_forms,
    contained_name,
    make_forms,
    order_conflict,
    partial_name,
    token_similarity,
)
from interdict.matching.index import Index, _deletes
from interdict.matching.query import PartyQuery

__all__ = ["Scorer", "Scored", "PreparedQuery", "FEATURE_NAMES", "ALGORITHM", "ALGORITHM_VERSION"]

ALGORITHM = "interdict-v1"
ALGORITHM_VERSION = "1.0"
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
_FEATURE_POS = {name: i for i, name in enumerate(FEATURE_NAMES)}
#: An equal strong identifier sets the score at least to this (then name agreement ranks within).
IDENTIFIER_FLOOR = 0.97
_INFO_SCALE = 20.0
#: Retrieval cut-offs (share of the query's IDF weight a candidate's names cover); a candidate
#: below them has a best name agreement too low to reach any useful threshold.
MIN_COVERAGE = 0.45
RELATIVE_COVERAGE = 0.5
#: A candidate whose lightest two-token name has this share of its weight in the query is kept
#: whatever share of the query it covers (a listed name inside a longer query), if it covers at
#: least CONTAINED_MIN of the query.
CONTAINED_SHARE = 0.9
CONTAINED_MIN = 0.2
_UNMATCHED_SCALE = 10.0
#: Share of the unmatched-list weight counted when the query is a "SURNAME, Given Middle" list name
#: without some given or middle names.
MIDDLE_NAME_SHARE = 0.5


@dataclass(slots=True)
class QueryForm:
    form: Form
    weights: tuple[float, ...]
    name: str
    weak: bool


@dataclass
class PreparedQuery:
    """A query with its forms, key weights and retrieval keys, computed once per query."""

    query: PartyQuery
    forms: list[QueryForm]
    key_weights: dict[str, float]
    expansions: dict[str, list[tuple[int, float]]]
    expanded: set[int] = field(default_factory=set)
    #: query keys that are words on the lists (no short-word typo credit: Cohen is not a typo of Chen)
    known: frozenset[str] = frozenset()

    @property
    def has_names(self) -> bool:
        return bool(self.forms)


@dataclass(slots=True)
class Scored:
    """One candidate's score with the features and the name pair that produced it."""

    entity: int
    score: float
    features: np.ndarray
    query_name: str | None = None
    query_form: Form | None = None
    list_name: str | None = None
    list_form: Form | None = None
    evidence: NameEvidence | None = None
    matched_identifiers: list[str] = field(default_factory=list)
    retrieval: float = 0.0

    def feature_dict(self) -> dict[str, float]:
        return {name: round(float(self.features[i]), 4) for i, name in enumerate(FEATURE_NAMES)}


def _family(schema: str | None) -> str | None:
    if schema is None or schema in ("Thing", "LegalEntity"):
        return None
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane"):
        return "craft"
    return "org"


class Scorer:
    """Retrieval and scoring over one :class:`Index` with one :class:`Calibration`."""

    def __init__(self, index: Index, calibration: Calibration | None = None,
                 weight_index: Index | None = None) -> None:
        self.index = index
        #: where token weights come from when ``index`` is too small to have meaningful IDF (pairs)
        self.weight_index = weight_index
        self.calibration = calibration or load_calibration()
        self._form_weights: dict[int, tuple[float, ...]] = {}
        self._expansions: dict[str, list[tuple[int, float]]] = {}
        self._forms_cache: dict[tuple[str, str | None], list[Form]] = {}
        self._sim_cache: dict[tuple[str, str, bool], float] = {}
        self._shortest: np.ndarray | None = None
        self._n = index.size

    # -- query preparation -------------------------------------------------------------------
    def forms_for(self, name: str, schema: str | None) -> list[Form]:
        key = (name, schema)
        forms = self._forms_cache.get(key)
        if forms is None:
            forms = make_forms(name, schema)
            if len(self._forms_cache) > 200_000:
                self._forms_cache.clear()
            self._forms_cache[key] = forms
        return forms

    def expand(self, key: str) -> list[tuple[int, float]]:
        """Vocabulary ids for a query key: itself (factor 1) and keys one edit away (by similarity)."""
        found = self._expansions.get(key)
        if found is not None:
            return found
        index = self.index
        out: dict[int, float] = {}
        exact = index.vocab.get(key)
        if exact is not None:
            out[exact] = 1.0
        if len(key) >= 4:
            candidates: set[int] = set(index.deleted(key))
            for d in set(_deletes(key)):
                k = index.vocab.get(d)
                if k is not None:
                    candidates.add(k)
                candidates.update(index.deleted(d))
            if candidates:
                keys = index.keys
                for k in candidates:
                    if k == exact:
                        continue
                    s = token_similarity(key, keys[k])
                    if s > 0.0:
                        out[k] = s
        found = sorted(out.items(), key=lambda kv: -kv[1])[:8]
        if len(self._expansions) > 500_000:
            self._expansions.clear()
        self._expansions[key] = found
        return found

    def prepare(self, query: PartyQuery) -> PreparedQuery:
        forms: list[QueryForm] = []
        key_weights: dict[str, float] = {}
        expansions: dict[str, list[tuple[int, float]]] = {}
        idf = self.index.idf
        max_idf = self.index.max_idf
        for names, weak in ((query.names, False), (query.weak_names, True)):
            for name in names:
                for form in self.forms_for(name, query.schema):
                    weights = []
                    for key, boost in zip(form.keys, form.boosts, strict=True):
                        w = key_weights.get(key)
                        if w is None:
                            exp = self.expand(key)
                            expansions[key] = exp
                            if self.weight_index is not None:
                                w = self.weight_index.key_weight(key)
                            elif exp:
                                # a misspelt key weighs what its nearest list spelling weighs
                                w = float(idf[exp[0][0]])
                            else:
                                w = max_idf
                            key_weights[key] = w
                        weights.append(w * boost)
                    forms.append(QueryForm(form, tuple(weights), name, weak))
        expanded = {k for exp in expansions.values() for k, _ in exp}
        vocab = (self.weight_index or self.index).vocab
        known = frozenset(k for k in key_weights if k in vocab)
        return PreparedQuery(query, forms, key_weights, expansions, expanded, known)

    # -- retrieval ----------------------------------------------------------------------------
    def retrieve(self, pq: PreparedQuery, k: int = 12, mask: np.ndarray | None = None,
                 min_coverage: float = MIN_COVERAGE, relative: float = RELATIVE_COVERAGE) -> list[tuple[int, float]]:
        """Top ``k`` entities by the share of the query's key weight they cover (identifier hits first).

        A candidate must cover at least ``min_coverage`` of the query's weight and ``relative``
        times the best candidate's coverage: below that its name cannot score high enough to matter.
        """
        index = self.index
        per_key: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for key, w in pq.key_weights.items():
            exp = pq.expansions.get(key) or []
            if not exp:
                continue
            if len(exp) == 1:
                arr = index.postings(exp[0][0])
                per_key[key] = (arr, np.full(arr.shape[0], w * exp[0][1], dtype=np.float32))
            else:
                parts = [index.postings(v) for v, _ in exp]
                facs = [np.full(p.shape[0], f, dtype=np.float32) for p, (_, f) in zip(parts, exp, strict=True)]
                arr = np.concatenate(parts)
                fac = np.concatenate(facs)
                order = np.lexsort((-fac, arr))
                arr, fac = arr[order], fac[order]
                keep = np.ones(arr.shape[0], dtype=bool)
                keep[1:] = arr[1:] != arr[:-1]
                per_key[key] = (arr[keep], fac[keep] * w)
        hits: dict[int, float] = {}
        for ident in pq.query.identifiers:
            for e in index.identifiers.get(ident.value, ()):
                hits[e] = 10.0
        if not per_key and not hits:
            return []
        if per_key:
            # Work on the entities the query's keys reach (``entities``), not on every listed one:
            # a dense pass over all entities per query reading cost more than the scoring.
            keys_in = list(per_key)
            cat = np.concatenate([per_key[key][0] for key in keys_in])
            cat_w = np.concatenate([per_key[key][1] for key in keys_in])
            entities, slot = np.unique(cat, return_inverse=True)
            bounds = np.cumsum([0] + [per_key[key][0].shape[0] for key in keys_in])
            key_slots = {key: (int(bounds[i]), int(bounds[i + 1])) for i, key in enumerate(keys_in)}
            m = entities.shape[0]
            # coverage of each query form by each entity, best form kept: a query read two ways
            # ("X Corporation, Pyongyang" and "X") is covered by either reading
            acc = np.zeros(m)
            form_keys = {tuple(dict.fromkeys(qf.form.keys)) for qf in pq.forms}
            longest = max((len(keys) for keys in form_keys), default=0)
            for keys in form_keys:
                present = [key_slots[key] for key in keys if key in key_slots]
                if not present:
                    continue
                norm = sum(pq.key_weights[key] for key in keys) or 1.0
                idx = np.concatenate([slot[a:b] for a, b in present])
                wts = np.concatenate([cat_w[a:b] for a, b in present])
                np.maximum(acc, np.bincount(idx, weights=wts, minlength=m) / norm, out=acc)
            if mask is not None:
                acc[~mask[entities]] = 0.0
            best = float(acc.max()) if m else 0.0
            keep = acc >= max(min_coverage, relative * best)
            if min_coverage > 0 and longest >= 3 and pq.query.schema != "Person":
                # a listed name found whole inside a longer query ("Groupe Congo Futur" for "Congo
                # Futur") covers little of the query's weight but all of its own. Not for a query of
                # two tokens (it contains only names it also covers in full, which the cut above
                # keeps), nor for persons (a longer name holds many shorter ones: Maria Jose Garcia
                # holds Jose Garcia; a person's extra middle name costs little coverage anyway)
                raw = np.bincount(slot, weights=cat_w, minlength=m)
                contained = (raw >= CONTAINED_SHARE * self.shortest_name_weight()[entities]) & (acc >= CONTAINED_MIN)
                if mask is not None:
                    contained &= mask[entities]
                acc = np.where(contained & ~keep, np.maximum(acc, min_coverage), acc)
                keep |= contained
            top = np.flatnonzero(keep)
            if top.shape[0] > k:
                top = top[np.argpartition(-acc[top], k)[:k]]
            found = sorted(((int(entities[i]), float(acc[i])) for i in top), key=lambda x: -x[1])
        else:
            found = []
        for e, s in hits.items():
            if mask is not None and not mask[e]:
                continue
            found = [(x, c) for x, c in found if x != e]
            found.insert(0, (e, s))
        return found

    def shortest_name_weight(self) -> np.ndarray:
        """Per entity, the total key weight of its lightest name of two or more tokens (inf if none)."""
        found = self._shortest
        if found is None:
            index = self.index
            n_forms = len(index.form_key_start) - 1
            found = np.full(self._n, np.inf)
            if n_forms > 0 and len(index.form_key_ids):
                per_key = index.idf[index.form_key_ids] * index.form_boosts
                starts = index.form_key_start[:-1]
                sizes = np.diff(index.form_key_start)
                totals = np.add.reduceat(per_key, np.minimum(starts, len(per_key) - 1)).astype(np.float64)
                totals[sizes < 2] = np.inf
                owner = np.searchsorted(index.form_start, np.arange(n_forms), side="right") - 1
                np.minimum.at(found, owner, totals)
            self._shortest = found
        return found

    # -- scoring ------------------------------------------------------------------------------
    def list_weights(self, f: int) -> tuple[float, ...]:
        w = self._form_weights.get(f)
        if w is None:
            form = self.index.form(f)
            vocab, idf = self.index.vocab, self.index.idf
            w = tuple(float(idf[vocab[k]]) * b for k, b in zip(form.keys, form.boosts, strict=True))
            self._form_weights[f] = w
        return w

    def score_entity(self, pq: PreparedQuery, e: int, retrieval: float = 0.0) -> Scored:
        index = self.index
        best: tuple[float, QueryForm, int, NameEvidence] | None = None
        qkeys_all = pq.key_weights
        expanded = pq.expanded
        vocab = index.vocab
        for f in index.forms_of(e):
            cf = index.form(f)
            # only forms that share a key (or a near key) with the query are worth aligning
            if not any((k in qkeys_all) or (vocab[k] in expanded) for k in cf.keys):
                continue
            cw = self.list_weights(f)
            fw = float(index.form_weights[f])
            for qf in pq.forms:
                ev = compare_forms(qf.form, qf.weights, cf, cw, self._sim_cache, pq.known)
                rank = ev.score * (0.9 + 0.1 * fw) + 0.01 * ev.string
                if best is None or rank > best[0]:
                    best = (rank, qf, f, ev)
        if len(self._sim_cache) > 1_000_000:
            self._sim_cache.clear()
        x = np.zeros(len(FEATURE_NAMES), dtype=np.float64)
        scored = Scored(entity=e, score=0.0, features=x, retrieval=retrieval)
        if best is not None:
            _, qf, f, ev = best
            cf = index.form(f)
            x[_FEATURE_POS["name_match"]] = ev.score
            x[_FEATURE_POS["name_info"]] = min(ev.info / _INFO_SCALE, 1.0)
            x[_FEATURE_POS["name_exact"]] = 1.0 if qf.form.text == cf.text else 0.0
            x[_FEATURE_POS["name_single_token"]] = 1.0 if min(len(qf.form.keys), len(cf.keys)) == 1 else 0.0
            x[_FEATURE_POS["name_unmatched_query"]] = min(ev.unmatched_query / _UNMATCHED_SCALE, 1.0)
            x[_FEATURE_POS["name_unmatched_list"]] = min(ev.unmatched_list / _UNMATCHED_SCALE, 1.0)
            person_like = _family(index.schemata[e]) in (None, "person") and _family(pq.query.schema) != "org"
            surname_first = "," in index.form_names[f]
            if partial_name(qf.form, cf, ev, person_like, surname_first):
                x[_FEATURE_POS["name_query_covered"]] = 1.0
                if surname_first and person_like:
                    # "SURNAME, Given Middle" says which word is the surname, and the query has it:
                    # the words it leaves out are given or middle names, which say less
                    x[_FEATURE_POS["name_unmatched_list"]] *= MIDDLE_NAME_SHARE
            if contained_name(qf.form, cf, ev, person_like, "," in qf.name):
                x[_FEATURE_POS["name_list_covered"]] = 1.0
            if order_conflict(qf.form, cf, ev):
                x[_FEATURE_POS["name_order_conflict"]] = 1.0
            weak = qf.weak or float(index.form_weights[f]) < 0.7
            x[_FEATURE_POS["weak_alias"]] = 1.0 if weak else 0.0
            if qf.form.legal_form and cf.legal_form and qf.form.legal_form != cf.legal_form:
                x[_FEATURE_POS["legal_form_conflict"]] = 1.0
            scored.query_name, scored.query_form = qf.name, qf.form
            scored.list_name, scored.list_form = index.form_names[f], cf
            scored.evidence = ev
        query = pq.query
        # identifiers
        cand_ids = index.entity_identifiers[e]
        if query.identifiers and cand_ids:
            values = {v for v, _ in cand_ids}
            kinds = {kind for _, kind in cand_ids}
            matched = [i.value for i in query.identifiers if i.value in values]
            if matched:
                x[_FEATURE_POS["identifier_match"]] = 1.0
                scored.matched_identifiers = matched
            elif any(i.kind is not None and i.kind in kinds and i.kind in ("imoNumber", "mmsi")
                     for i in query.identifiers):
                x[_FEATURE_POS["identifier_mismatch"]] = 1.0
        dm, dx = compare_dates(query.birth_dates, index.birth_dates[e])
        x[_FEATURE_POS["dob_match"]] = dm
        x[_FEATURE_POS["dob_mismatch"]] = dx
        cm, cx = compare_countries(query.countries, index.countries[e])
        x[_FEATURE_POS["country_match"]] = cm
        x[_FEATURE_POS["country_mismatch"]] = cx
        qfam, cfam = _family(query.schema), _family(index.schemata[e])
        if qfam and cfam and qfam != cfam:
            x[_FEATURE_POS["schema_mismatch"]] = 1.0
        score = self.calibration.predict(x) if best is not None else 0.0
        if scored.matched_identifiers and not x[_FEATURE_POS["schema_mismatch"]]:
            score = max(score, IDENTIFIER_FLOOR + (1 - IDENTIFIER_FLOOR) * 0.9 * x[0])
        scored.score = float(min(max(score, 0.0), 1.0))
        return scored

    def score(self, pq: PreparedQuery, k: int = 12, mask: np.ndarray | None = None) -> list[Scored]:
        """Retrieve and score; results sorted by score, highest first."""
        out = [self.score_entity(pq, e, r) for e, r in self.retrieve(pq, k=k, mask=mask)]
        out.sort(key=lambda s: -s.score)
        return out


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
