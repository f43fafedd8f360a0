"""What the API screens with: the screener (index in memory) and an in-memory view of the list entities.

Loaded once per worker process, in a background thread, so ``/healthz`` answers at once and
``/readyz`` says ready only when the index and entities are loaded. The entity view keeps, for the
current list versions, each entity's yente-shaped dict, its sanctions and the entities that link to
it (ownership, directorship, family, association...), so ``/entities/{id}`` and the properties of
match results never touch the store during a request.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from interdict.audit.screening import list_versions_of
from interdict.exc import InvalidInput, NotFound, StoreError

__all__ = ["Engine", "entity_dict", "to_yente_explanations", "yente_features"]

log = logging.getLogger(__name__)

_ALGO_ALIASES = {"best", "default", "logic-v1", "logic-v2", "name-based", "name-qualified", "regression-v1",
                 "regression-v2", "regression-v3", "ofac-249"}


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def entity_dict(proxy: Any) -> dict[str, Any]:
    """A yente ``EntityResponse``-shaped dict from an FtM proxy (plain or statement-based)."""
    data = proxy.to_dict()
    datasets = getattr(proxy, "datasets", None) or data.get("datasets") or []
    return {
        "id": proxy.id,
        "caption": proxy.caption,
        "schema": proxy.schema.name,
        "properties": {k: list(v) for k, v in proxy.properties.items()},
        "datasets": sorted(datasets),
        "referents": sorted(getattr(proxy, "referents", None) or data.get("referents") or []),
        "target": bool(getattr(proxy, "target", False) or data.get("target") or False),
        "first_seen": _iso(getattr(proxy, "first_seen", None) or data.get("first_seen")),
        "last_seen": _iso(getattr(proxy, "last_seen", None) or data.get("last_seen")),
        "last_change": _iso(getattr(proxy, "last_change", None) or data.get("last_change")),
    }


def yente_features(explanation: dict[str, Any]) -> dict[str, float]:
    feats = explanation.get("features") or {}
    return {k: float(v) for k, v in feats.items() if isinstance(v, (int, float))}


def to_yente_explanations(explanation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """interdict's explanation -> yente's ``explanations``: one FeatureResult (detail, score, query, candidate)
    per feature that fired; the name features name the query and list names that met."""
    from interdict.matching.features import FEATURES

    name = explanation.get("name") or {}
    contributions = explanation.get("contributions") or {}
    out: dict[str, dict[str, Any]] = {}
    for feat, value in yente_features(explanation).items():
        detail = FEATURES.get(feat, feat)
        if feat in contributions:
            detail = f"{detail} (logit contribution {contributions[feat]:+.3f})"
        item: dict[str, Any] = {"detail": detail, "score": value, "query": None, "candidate": None}
        if feat.startswith("name") and name:
            item["query"] = name.get("query_name")
            item["candidate"] = name.get("list_name")
        out[feat] = item
    return out


def _entity_props() -> dict[str, tuple[str, ...]]:
    """Per schema, the properties whose values are entity ids (edges, sanctions, owners...)."""
    from followthemoney import model

    return {name: tuple(p.name for p in schema.properties.values() if p.type.name == "entity")
            for name, schema in model.schemata.items()}


class _Entities(Mapping[str, dict[str, Any]]):
    """id -> yente-shaped entity dict, parsed from the stored JSON on first access (then cached)."""

    def __init__(self, raw: dict[str, tuple[str, str]], targets: set[str],
                 history: dict[str, tuple[str | None, str | None, str | None]]) -> None:
        self._raw = raw
        self._targets = targets
        self._history = history
        self._cache: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        d = self._cache.get(key)
        if d is not None:
            return d
        caption, data = self._raw[key]
        parsed = json.loads(data)
        first, change, last = self._history.get(key, (None, None, None))
        d = {
            "id": key,
            "caption": caption,
            "schema": parsed.get("schema"),
            "properties": {k: list(v) for k, v in (parsed.get("properties") or {}).items()},
            "datasets": sorted(parsed.get("datasets") or []),
            "referents": sorted(parsed.get("referents") or []),
            "target": key in self._targets,
            "first_seen": parsed.get("first_seen") or first,
            "last_seen": parsed.get("last_seen") or last,
            "last_change": parsed.get("last_change") or change,
        }
        self._cache[key] = d
        return d

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class Engine:
    """Screener + entity view; ``ready`` once both are loaded."""

    def __init__(self, settings: Any = None) -> None:
        self.settings = settings
        self.ready = False
        self.error: str | None = None
        self.screener: Any = None
        self.store: Any = None
        self.context: dict[str, Any] = {}
        self.entities: Mapping[str, dict[str, Any]] = {}
        self.sanctions: dict[str, list[str]] = defaultdict(list)
        self.links: dict[str, list[tuple[str, str]]] = defaultdict(list)  # id -> [(prop, other entity id)]
        self.dprk: set[str] = set()
        self.versions: list[dict[str, Any]] = []
        self.loaded_at: float | None = None
        self.load_seconds: float | None = None
        self._thread: threading.Thread | None = None
        self._watch: threading.Thread | None = None
        self._swap = threading.Lock()
        self.fingerprint: str | None = None
        self.has_store = False
        #: set by the serving process: freeze the loaded heap and tune the collector (api.heap)
        self.settle_heap = False

    # -- loading -------------------------------------------------------------------------------
    def start(self) -> None:
        """Load in a background thread (server startup)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._load_safely, name="interdict-load", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    def _load_safely(self) -> None:
        try:
            self.load()
        except Exception as exc:  # noqa: BLE001 - reported by /readyz, the server stays up
            log.exception("loading the lists failed")
            self.error = f"{type(exc).__name__}: {exc}"

    def load(self) -> None:
        """Open the store read-only (several workers may), load index and entities, close the store.

        The store is closed again so that ``interdict lists load`` (one DuckDB writer) can run while
        the server serves; :meth:`open_store` reopens it read-only for replays and re-screens, and
        :meth:`watch` reloads when the lists change.
        """
        from interdict.config import get_settings
        from interdict.screening import Screener
        from interdict.store import open_store

        started = time.monotonic()
        settings = self.settings or get_settings()
        if not settings.database_url and not settings.db_path.exists():
            raise StoreError(f"no lists loaded: {settings.db_path} does not exist; run `interdict lists load` "
                             "(or start with `interdict serve`, which loads the bundled lists into an empty store)")
        store = open_store(self.settings, read_only=True)
        try:
            if not store.current_versions():
                raise StoreError("no lists loaded: run `interdict lists load` (or start with `interdict serve`, "
                                 "which loads the bundled lists into an empty store)")
            screener = Screener.open(self.settings, store=store, auto_load=False)
            fingerprint = str(store.fingerprint())
            screener.list_versions()  # cached now, while the store is open
            self._attach(screener, store, None, list_versions_of(store), ready=False)
            self.fingerprint = fingerprint
        finally:
            store.close()
        self.screener.store = None
        self.store = None
        self.has_store = True
        self.warm()
        if self.settle_heap:
            from interdict.api import heap

            heap.settle()
        self.ready = True
        self.load_seconds = time.monotonic() - started

    #: One name per script and shape the normalisers treat apart: screening them once, before the
    #: worker says ready, imports and builds what the first such request would otherwise pay for
    #: while every other request of that worker waits (pypinyin's phrase tables alone take ~1 s).
    WARM_QUERIES: tuple[dict[str, Any], ...] = (
        {"schema": "Person", "properties": {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"],
                                            "nationality": ["kp"]}},
        {"schema": "Person", "properties": {"name": ["김정은"]}},
        {"schema": "Person", "properties": {"name": ["金正恩"]}},
        {"schema": "Person", "properties": {"name": ["Ким Чен Ын"]}},
        {"schema": "Person", "properties": {"name": ["محمد علي"]}},
        {"schema": "Person", "properties": {"name": ["Müller-Lüdenscheidt José Nguyễn Văn"]}},
        {"schema": "Person", "properties": {"name": ["佐々木 裕太"]}},
        {"schema": "Person", "properties": {"name": ["さとう ゆうた カタカナ"]}},
        {"schema": "Person", "properties": {"name": ["Αλέξανδρος Παπαδόπουλος"]}},
        {"schema": "Person", "properties": {"name": ["דוד כהן"]}},
        {"schema": "Person", "properties": {"name": ["สมชาย ใจดี"]}},
        {"schema": "Person", "properties": {"name": ["राहुल शर्मा"]}},
        {"schema": "Person", "properties": {"name": ["გიორგი ბერიძე Արամ Պետրոսյան"]}},
        {"schema": "Company", "properties": {"name": ["Korea Mining Development Trading Corporation"],
                                             "jurisdiction": ["kp"]}},
        {"schema": "Company", "properties": {"name": ["大连海博国际货运代理有限公司"]}},
        {"schema": "Company", "properties": {"name": ["ООО Ромашка"]}},
        {"schema": "Vessel", "properties": {"name": ["Chon Ma San"], "imoNumber": ["8660313"]}},
        {"schema": "LegalEntity", "properties": {"name": ["KKBC"], "registrationNumber": ["1234567"]}},
    )

    def warm(self) -> None:
        """Screen :attr:`WARM_QUERIES` through the request path once (errors are logged, not raised)."""
        for query in self.WARM_QUERIES:
            try:
                result = self.screener.screen(query, limit=5, dataset="default")
                for x in result.results:
                    self.brief(x.id)
                    to_yente_explanations(x.explanations or {})
            except Exception:  # noqa: BLE001 - a warm-up failure must not stop the server
                log.exception("warm-up query %r failed", query)

    @contextmanager
    def open_store(self) -> Iterator[Any]:
        """The list store, read-only, for the length of one operation (replay, rescreen)."""
        if self.store is not None:  # an engine built over a store it keeps (tests, embedding)
            yield self.store
            return
        if not self.has_store:
            raise StoreError("this engine was built without a list store")
        from interdict.store import open_store

        store = open_store(self.settings, read_only=True)
        try:
            yield store
        finally:
            store.close()

    def stale(self) -> bool:
        """True when a list load has committed since this engine loaded (index no longer current)."""
        if not self.has_store or self.fingerprint is None:
            return False
        with self.open_store() as store:
            return str(store.fingerprint()) != self.fingerprint

    def reload(self) -> None:
        """Load a fresh engine and swap it in (requests in flight finish on the old one)."""
        fresh = Engine(self.settings)
        fresh.load()
        with self._swap:
            self.__dict__.update({k: v for k, v in fresh.__dict__.items()
                                  if k not in ("_thread", "_swap", "_watch", "settle_heap")})
        del fresh
        if self.settle_heap:
            from interdict.api import heap

            heap.reclaim()

    def watch(self, interval: float = 60.0) -> None:
        """Background check for new list versions every ``interval`` seconds; reload when they change."""
        if self._watch is not None:
            return

        def loop() -> None:
            while True:
                time.sleep(interval)
                try:
                    if self.ready and self.stale():
                        log.info("lists changed; reloading the index")
                        self.reload()
                except Exception as exc:  # noqa: BLE001 - a busy store (writer running) is retried later
                    log.info("list change check skipped: %s", exc)

        self._watch = threading.Thread(target=loop, name="interdict-watch", daemon=True)
        self._watch.start()

    @classmethod
    def from_entities(cls, entities: Iterable[Any], versions: dict[str, dict[str, Any]] | None = None) -> Engine:
        """An engine over given entities (replays, tests): no store."""
        from interdict.screening import Screener

        entities = list(entities)
        engine = cls()
        screener = Screener.from_entities(entities)
        engine._attach(screener, None, entities, versions or {})
        return engine

    def _attach(self, screener: Any, store: Any, entities: Iterable[Any] | None,
                versions: dict[str, dict[str, Any]], ready: bool = True) -> None:
        """Keep each entity's FtM JSON as text (parsed on first use) and the reverse links.

        With a store, rows are read straight from it (no FtM object per entity: loading is several
        times faster, which matters with one copy per worker); ``entities`` are proxies otherwise."""
        index = screener.index
        dprk_ids = {index.ids[i] for i in range(len(index.ids)) if bool(index.dprk[i])}
        raw: dict[str, tuple[str, str]] = {}  # id -> (caption, json)
        sanctions: dict[str, list[str]] = defaultdict(list)
        links: dict[str, list[tuple[str, str]]] = defaultdict(list)
        targets: set[str] = set()
        entity_props = _entity_props()
        if store is not None:
            rows = store.backend.cursor_iter(
                "SELECT e.id, e.schema, e.caption, e.data FROM list_entities e JOIN list_versions v "
                "ON e.version_id = v.id WHERE v.is_current"
            )
        else:
            rows = ((p.id, p.schema.name, p.caption, json.dumps(entity_dict(p), ensure_ascii=False))
                    for p in entities or [])
        for eid, schema, caption, data in rows:
            raw[eid] = (caption or eid, data)
            props = entity_props.get(schema)
            if props or '"sanction"' in data:
                parsed = json.loads(data).get("properties") or {}
                if "sanction" in (parsed.get("topics") or []):
                    targets.add(eid)
                for prop in props or ():
                    for other in parsed.get(prop) or ():
                        if schema == "Sanction" and prop == "entity":
                            sanctions[other].append(eid)
                            targets.add(other)
                        else:
                            links[other].append((prop, eid))
        history = self._history(store, raw) if store is not None else {}
        self.screener = screener
        self.store = store
        self.entities = _Entities(raw, targets, history)
        self.sanctions = sanctions
        self.links = links
        self.dprk = dprk_ids
        self.context = {"lists": {**versions, **{k: v for k, v in screener.list_versions().items()
                                                 if k not in versions}},
                        "algorithm": screener.algorithm_info()}
        self.versions = [{"source": s, **info} for s, info in sorted(versions.items())]
        self.loaded_at = time.time()
        if ready:
            self.ready = True

    @staticmethod
    def _history(store: Any, ents: Mapping[str, Any]) -> dict[str, tuple[str | None, str | None, str | None]]:
        """first_seen / last_change / last_seen from the versions kept in the store: the publication date
        of the first version holding the entity, of the version where its content last changed, and of
        the current version (yente's fields; ``changed_since`` filters on last_change)."""
        rows = store.backend.cursor_iter(
            "SELECT e.id, e.content_hash, v.published, v.loaded_at, v.is_current FROM list_entities e "
            "JOIN list_versions v ON e.version_id = v.id WHERE v.source IN "
            "(SELECT source FROM list_versions WHERE is_current) ORDER BY e.id, v.id"
        )
        state: dict[str, list[Any]] = {}
        for eid, chash, published, loaded_at, is_current in rows:
            if eid not in ents:
                continue
            when = str(published or loaded_at)[:10] + "T00:00:00" if (published or loaded_at) else None
            st = state.get(eid)
            if st is None:
                state[eid] = [when, when, chash, when if is_current else None]
                continue
            if chash != st[2]:
                st[1], st[2] = when, chash
            if is_current:
                st[3] = when
        return {eid: (first, change, last) for eid, (first, change, _, last) in state.items()}

    # -- queries -------------------------------------------------------------------------------
    def check_dataset(self, dataset: str) -> str:
        name = (dataset or "default").strip().lower()
        self.screener.mask(name)  # raises InvalidInput naming the accepted datasets
        return name

    def datasets(self) -> list[str]:
        return self.screener.datasets()

    def check_algorithm(self, algorithm: str | None) -> str:
        name = self.context["algorithm"]["name"]
        if algorithm and algorithm not in _ALGO_ALIASES and algorithm != name:
            raise InvalidInput(f"unknown algorithm {algorithm!r}: interdict runs {name!r} "
                               f"(yente names {', '.join(sorted(_ALGO_ALIASES))} are accepted and mean it too)")
        return name

    def in_dataset(self, entity_id: str, dataset: str) -> bool:
        if dataset in ("default", "all", ""):
            return True
        if dataset == "dprk":
            return entity_id in self.dprk
        d = self.entities.get(entity_id)
        sources = d["datasets"] if d else [entity_id.split("-", 1)[0]]
        prefix = {"un": "un", "ofac": "us_ofac", "sdn": "us_ofac_sdn", "csl": "us_csl"}.get(dataset, dataset)
        return any(s.startswith(prefix) for s in sources)

    def brief(self, entity_id: str) -> dict[str, Any] | None:
        return self.entities.get(entity_id)

    def entity(self, entity_id: str, nested: bool = True) -> dict[str, Any]:
        """An entity with its sanctions and the entities that link to it, nested yente-style."""
        d = self.entities.get(entity_id)
        if d is None:
            raise NotFound(f"no list entity {entity_id!r}")
        out = dict(d)
        if not nested:
            return out
        props = {k: list(v) for k, v in d["properties"].items()}
        sanc = [self.entities[s] for s in self.sanctions.get(d["id"], []) if s in self.entities]
        if sanc:
            props["sanctions"] = sanc
        by_prop: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for prop, other in self.links.get(d["id"], []):
            other_d = self.entities.get(other)
            if other_d is None:
                continue
            linked = dict(other_d)
            # nest the far end of an edge (owner, director, relative...) so one call shows the network
            linked_props = {}
            for k, vals in other_d["properties"].items():
                linked_props[k] = [self.entities[v] if (v in self.entities and v != d["id"]) else v for v in vals]
            linked["properties"] = linked_props
            by_prop[_reverse_name(other_d["schema"], prop)].append(linked)
        props.update(by_prop)
        # entity-typed properties of the entity itself (e.g. a Vessel's owner) become nested entities too
        for k, vals in d["properties"].items():
            nested_vals = [self.entities.get(v, v) for v in vals]
            if any(isinstance(v, dict) for v in nested_vals):
                props[k] = nested_vals
        out["properties"] = props
        return out

    def search(self, q: str, dataset: str, *, schema: str | None = None, countries: list[str] | None = None,
               programs: list[str] | None = None, limit: int = 10, offset: int = 0) -> tuple[list[dict[str, Any]],
                                                                                            int, dict[str, Counter]]:
        """Free-text name search ranked by the screener, then filtered; returns (page, total, facets)."""
        result = self.screener.screen(q, limit=200, threshold=1.01, dataset=dataset, explain_results=False)
        hits = []
        for m in result.results:
            d = self.entities.get(m.id) or {"id": m.id, "caption": m.caption, "schema": m.schema, "properties": {},
                                            "datasets": [m.source], "referents": [], "target": True}
            if schema and not _schema_is(d["schema"], schema):
                continue
            ent_countries = set(self._countries(d))
            if countries and not ent_countries & {c.lower() for c in countries}:
                continue
            progs = set(m.programs)
            if programs and not progs & set(programs):
                continue
            hits.append((d, ent_countries, progs))
        facets: dict[str, Counter] = {"schema": Counter(), "countries": Counter(), "datasets": Counter(),
                                      "programs": Counter()}
        for d, cs, ps in hits:
            facets["schema"][d["schema"]] += 1
            facets["countries"].update(cs)
            facets["datasets"].update(d["datasets"])
            facets["programs"].update(ps)
        page = [d for d, _, _ in hits[offset: offset + limit]]
        return page, len(hits), facets

    def _countries(self, d: dict[str, Any]) -> list[str]:
        from followthemoney import model

        schema = model.get(d["schema"])
        out = []
        for k, vals in d["properties"].items():
            prop = schema.get(k) if schema else None
            if prop is not None and prop.type.name == "country":
                out.extend(v.lower() for v in vals if isinstance(v, str))
        return out

    def catalog(self) -> dict[str, Any]:
        by_source: Counter = Counter()
        for eid in self.screener.index.ids:
            by_source[eid.split("-", 1)[0]] += 1
        return {"sources": dict(by_source), "dprk": len(self.dprk), "total": len(self.screener.index.ids),
                "versions": self.versions}


def _schema_is(actual: str, wanted: str) -> bool:
    from followthemoney import model

    a, w = model.get(actual), model.get(wanted)
    if a is None or w is None:
        return actual == wanted
    return a.is_a(w)


_REVERSE = {("Sanction", "entity"): "sanctions", ("Ownership", "asset"): "ownershipAsset",
            ("Ownership", "owner"): "ownershipOwner", ("Directorship", "organization"): "directorshipOrganization",
            ("Directorship", "director"): "directorshipDirector", ("Family", "person"): "familyPerson",
            ("Family", "relative"): "familyRelative", ("Associate", "person"): "associates",
            ("Associate", "associate"): "associations", ("Membership", "organization"): "membershipMember",
            ("Membership", "member"): "membershipOrganization", ("UnknownLink", "subject"): "unknownLinkSubject",
            ("UnknownLink", "object"): "unknownLinkObject"}


def _reverse_name(schema: str, prop: str) -> str:
    """The name of the reverse property (FtM's, e.g. ``ownershipAsset``) under which yente nests edges."""
    from followthemoney import model

    s = model.get(schema)
    if s is not None:
        p = s.get(prop)
        if p is not None and p.reverse is not None:
            return p.reverse.name
    return _REVERSE.get((schema, prop), f"{schema[0].lower()}{schema[1:]}{prop[0].upper()}{prop[1:]}")
