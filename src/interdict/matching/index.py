"""Candidate index: built once from the store, saved to disk, loaded in well under a second.

The index holds, for every listed person, organisation and vessel, the comparable forms of all
its names (token keys and IDF weights), its birth dates, countries, identifiers and programmes,
and a group id that ties together records of the same party on several lists (UN, OFAC, CSL).

Retrieval never loops over the list names in Python: each token key has a posting array of the
entities that use it, and a query adds up the IDF weights of its keys over those arrays with
``numpy.bincount``. Misspelt tokens reach their list spelling through a one-deletion neighbourhood
(SymSpell): every list key is stored under each of its one-character deletions, so a query key
finds keys within one edit with a handful of dictionary look-ups. Exact identifiers (IMO,
registration number, USCC, passport, SWIFT) are a dictionary look-up too.

The file is ``<index_dir>/index-<fingerprint>-<names signature>-v<INDEX_VERSION>.pkl``, keyed
by the store's fingerprint and a hash of the names package, so it is rebuilt when the lists or
the normalisers change.
"""

from __future__ import annotations

import hashlib
import logging
import math
import pickle
import re
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interdict.matching.features import QUERY_ONLY_KINDS, Form, make_forms
from interdict.matching.query import NAME_PROPS, STRONG_ID_PROPS, clean_date, clean_identifier, clean_name

__all__ = ["Index", "build_index", "load_or_build", "INDEX_VERSION", "SCREENABLE"]

log = logging.getLogger(__name__)

#: Bump when the file layout or the forms change, so old files are rebuilt.
INDEX_VERSION = 6
#: The schemata screened; Sanction, Address, Identification... entities are read for context only.
SCREENABLE = {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane", "PublicBody"}
_UN_REF = re.compile(r"\b([A-Z]{2}[ie]\.\d{3})\b")
_PERSON = {"Person"}


def _schema_family(schema: str) -> str:
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane"):
        return "craft"
    return "org"


@dataclass
class Index:
    """Arrays and lookup tables for retrieval and scoring; see the module docstring."""

    fingerprint: str
    built_at: float
    # per entity
    ids: list[str]
    schemata: list[str]
    captions: list[str]
    sources: list[str]
    source_ids: list[str]
    programs: list[tuple[str, ...]]
    countries: list[tuple[str, ...]]
    birth_dates: list[tuple[str, ...]]
    entity_identifiers: list[tuple[tuple[str, str], ...]]
    dprk: np.ndarray
    groups: np.ndarray
    form_start: np.ndarray  # entity i has forms form_start[i]:form_start[i+1]
    # per form (flat arrays: form f has keys form_key_ids[form_key_start[f]:form_key_start[f+1]])
    form_texts: list[str]
    form_kinds: list[str]
    form_legal: list[str | None]
    form_key_ids: np.ndarray
    form_key_start: np.ndarray
    form_boosts: np.ndarray
    form_names: list[str]
    form_weights: np.ndarray  # 1.0 name/alias, lower for weak aliases
    # vocabulary: key k has postings post_data[post_start[k]:post_start[k+1]] (entity numbers)
    keys: list[str]
    idf: np.ndarray
    post_data: np.ndarray
    post_start: np.ndarray
    # SymSpell: CRC32 of a one-deletion string (sorted, unique in del_hash) -> vocabulary ids
    # del_data[del_start[i]:del_start[i+1]]. A hash collision only adds candidates, which are then
    # checked by token similarity; numpy arrays load in no time, unlike a dict of 200,000 strings.
    del_hash: np.ndarray
    del_data: np.ndarray
    del_start: np.ndarray
    identifiers: dict[str, list[int]]
    by_id: dict[str, int] = field(default_factory=dict)
    group_members: dict[int, list[int]] = field(default_factory=dict)
    build_seconds: float = 0.0

    def __post_init__(self) -> None:
        self._init_caches()

    def _init_caches(self) -> None:
        self.vocab: dict[str, int] = {k: i for i, k in enumerate(self.keys)}
        self._forms: dict[int, Form] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("vocab", None)
        state.pop("_forms", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_caches()

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def form_count(self) -> int:
        return len(self.form_texts)

    def form(self, f: int) -> Form:
        """Form number ``f`` (built from the flat arrays on first use)."""
        found = self._forms.get(f)
        if found is None:
            a, b = int(self.form_key_start[f]), int(self.form_key_start[f + 1])
            keys = tuple(self.keys[k] for k in self.form_key_ids[a:b].tolist())
            found = Form(self.form_texts[f], keys, self.form_kinds[f], self.form_legal[f],
                         tuple(self.form_boosts[a:b].tolist()))
            self._forms[f] = found
        return found

    def postings(self, k: int) -> np.ndarray:
        return self.post_data[self.post_start[k] : self.post_start[k + 1]]

    def deleted(self, text: str) -> np.ndarray | tuple[()]:
        """Vocabulary ids of the list keys that become ``text`` by deleting one character."""
        h = zlib.crc32(text.encode())
        i = int(np.searchsorted(self.del_hash, h))
        if i >= self.del_hash.shape[0] or int(self.del_hash[i]) != h:
            return ()
        return self.del_data[self.del_start[i] : self.del_start[i + 1]]

    def key_weight(self, key: str) -> float:
        idx = self.vocab.get(key)
        return float(self.idf[idx]) if idx is not None else self.max_idf

    @property
    def max_idf(self) -> float:
        return math.log(len(self.ids) + 1.0) + 1.0

    def forms_of(self, entity: int) -> range:
        return range(int(self.form_start[entity]), int(self.form_start[entity + 1]))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Index:
        with open(path, "rb") as fh:
            index = pickle.load(fh)
        if not isinstance(index, Index):
            raise ValueError(f"{path} is not an interdict index")
        return index


def _deletes(key: str) -> list[str]:
    return [key[:i] + key[i + 1 :] for i in range(len(key))]


class _Builder:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.schemata: list[str] = []
        self.captions: list[str] = []
        self.sources: list[str] = []
        self.source_ids: list[str] = []
        self.programs: list[list[str]] = []
        self.countries: list[tuple[str, ...]] = []
        self.birth_dates: list[tuple[str, ...]] = []
        self.entity_identifiers: list[tuple[tuple[str, str], ...]] = []
        self.dprk: list[bool] = []
        self.un_refs: list[set[str]] = []
        self.forms: list[Form] = []
        self.form_names: list[str] = []
        self.form_weights: list[float] = []
        self.form_entity: list[int] = []
        self.by_id: dict[str, int] = {}
        self.sanctions: list[Any] = []
        self.form_cache: dict[tuple[str, str], list[Form]] = {}

    def add(self, entity: Any, dprk_ids: set[str] | None) -> None:
        from followthemoney import registry

        schema = entity.schema.name
        if schema == "Sanction":
            self.sanctions.append(entity)
            return
        if schema not in SCREENABLE or not entity.id:
            return
        idx = len(self.ids)
        self.by_id[entity.id] = idx
        self.ids.append(entity.id)
        self.schemata.append(schema)
        datasets = sorted(getattr(entity, "datasets", None) or [])
        source = datasets[0] if datasets else entity.id.split("-", 1)[0]
        self.sources.append(source)
        sid = entity.id[len(source) + 1 :] if entity.id.startswith(source + "-") else entity.id
        self.source_ids.append(sid)
        self.captions.append(entity.caption or (entity.get("name") or [entity.id])[0])
        self.programs.append(list(entity.get("program", quiet=True)))
        countries = tuple(sorted(set(entity.get_type_values(registry.country))))
        self.countries.append(countries)
        dates = []
        for prop in ("birthDate", "incorporationDate", "buildDate"):
            for value in entity.get(prop, quiet=True):
                d = clean_date(value)
                if d:
                    dates.append(d)
        self.birth_dates.append(tuple(sorted(set(dates))))
        idents = []
        for prop, value in entity.itervalues():
            if prop.type == registry.identifier and prop.name in STRONG_ID_PROPS:
                ident = clean_identifier(value, prop.name)
                if ident is not None:
                    idents.append((ident.value, prop.name))
        self.entity_identifiers.append(tuple(sorted(set(idents))))
        refs: set[str] = set()
        for prop, value in entity.itervalues():
            if prop.type in (registry.string, registry.text) or prop.name in ("notes", "summary"):
                refs.update(_UN_REF.findall(value))
        if source.startswith("un"):
            refs.add(sid)
        self.un_refs.append(refs)
        if dprk_ids is not None:
            is_dprk = entity.id in dprk_ids
        else:
            try:
                from interdict.sources import is_dprk as _is_dprk

                is_dprk = _is_dprk(entity)
            except ImportError:  # pragma: no cover - sources is part of the package
                is_dprk = sid.startswith(("KPi", "KPe"))
        self.dprk.append(bool(is_dprk))
        seen_texts: set[str] = set()
        for prop, weight in NAME_PROPS.items():
            for value in entity.get(prop, quiet=True):
                name = clean_name(value)
                if name is None:
                    continue
                cache_key = (name, schema)
                forms = self.form_cache.get(cache_key)
                if forms is None:
                    forms = make_forms(name, schema)
                    self.form_cache[cache_key] = forms
                for form in forms:
                    if form.keys in seen_texts or form.kind in QUERY_ONLY_KINDS:
                        continue
                    seen_texts.add(form.keys)  # type: ignore[arg-type]
                    self.forms.append(form)
                    self.form_names.append(name)
                    self.form_weights.append(weight)
                    self.form_entity.append(idx)

    def attach_sanctions(self) -> None:
        for sanction in self.sanctions:
            for target in sanction.get("entity", quiet=True):
                idx = self.by_id.get(target)
                if idx is None:
                    continue
                # Programs only: the authority (OFAC, UN SC) is not a programme and must not read as one.
                for prop in ("program", "programId"):
                    for value in sanction.get(prop, quiet=True):
                        if value not in self.programs[idx]:
                            self.programs[idx].append(value)
                            if "DPRK" in value.upper() or "KOREA" in value.upper():
                                self.dprk[idx] = True

    def groups(self) -> np.ndarray:
        """Union-find over records of one party: shared strong identifier, UN reference, same name and date."""
        n = len(self.ids)
        parent = list(range(n))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            if self.sources[a] == self.sources[b]:
                return
            if _schema_family(self.schemata[a]) != _schema_family(self.schemata[b]):
                return
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        buckets: dict[tuple, list[int]] = defaultdict(list)
        for i in range(n):
            for value, kind in self.entity_identifiers[i]:
                if kind in ("imoNumber", "registrationNumber", "uscCode", "swiftBic", "leiCode", "mmsi",
                            "passportNumber") and len(value) >= 6:
                    buckets[("id", value)].append(i)
            for ref in self.un_refs[i]:
                buckets[("un", ref)].append(i)
            first = self.form_start_of(i)
            if first is not None:
                text = self.forms[first].text
                if self.schemata[i] in _PERSON:
                    for d in self.birth_dates[i]:
                        buckets[("nd", text, d[:4])].append(i)
                else:
                    buckets[("n", _schema_family(self.schemata[i]), text)].append(i)
        for members in buckets.values():
            if 1 < len(members) <= 12:
                for other in members[1:]:
                    union(members[0], other)
        return np.array([find(i) for i in range(n)], dtype=np.int32)

    def form_start_of(self, entity: int) -> int | None:
        return self._first_form.get(entity)

    def finish(self, fingerprint: str, started: float) -> Index:
        self.attach_sanctions()
        n = len(self.ids)
        self._first_form: dict[int, int] = {}
        for f, e in enumerate(self.form_entity):
            self._first_form.setdefault(e, f)
        # forms are appended entity by entity, so starts are monotone
        form_entity = np.array(self.form_entity, dtype=np.int32)
        form_start = np.searchsorted(form_entity, np.arange(n + 1)).astype(np.int32)
        vocab: dict[str, int] = {}
        key_entities: list[set[int]] = []
        form_key_ids: list[int] = []
        form_key_start = [0]
        form_boosts: list[float] = []
        for f, form in enumerate(self.forms):
            e = self.form_entity[f]
            for key, boost in zip(form.keys, form.boosts, strict=True):
                k = vocab.get(key)
                if k is None:
                    k = vocab[key] = len(key_entities)
                    key_entities.append(set())
                key_entities[k].add(e)
                form_key_ids.append(k)
                form_boosts.append(boost)
            form_key_start.append(len(form_key_ids))
        df = np.array([len(s) for s in key_entities], dtype=np.float32)
        idf = np.log((n + 1.0) / (df + 0.5)).astype(np.float32)
        idf = np.maximum(idf, 0.1)
        post_start = np.zeros(len(key_entities) + 1, dtype=np.int64)
        post_start[1:] = np.cumsum(df.astype(np.int64))
        post_data = np.fromiter((e for s in key_entities for e in sorted(s)), dtype=np.int32,
                                count=int(post_start[-1]))
        deletes: dict[str, list[int]] = defaultdict(list)
        for key, k in vocab.items():
            if len(key) >= 4:
                for d in set(_deletes(key)):
                    deletes[d].append(k)
        hashed: dict[int, set[int]] = defaultdict(set)
        for d, ks in deletes.items():
            hashed[zlib.crc32(d.encode())].update(ks)
        del_hash = np.array(sorted(hashed), dtype=np.uint32)
        del_start = np.zeros(len(del_hash) + 1, dtype=np.int64)
        del_start[1:] = np.cumsum([len(hashed[int(h)]) for h in del_hash])
        del_data = np.fromiter((k for h in del_hash for k in sorted(hashed[int(h)])), dtype=np.int32,
                               count=int(del_start[-1]))
        identifiers: dict[str, list[int]] = defaultdict(list)
        for i, idents in enumerate(self.entity_identifiers):
            for value, _kind in idents:
                if i not in identifiers[value]:
                    identifiers[value].append(i)
        groups = self.groups()
        members: dict[int, list[int]] = defaultdict(list)
        for i, g in enumerate(groups.tolist()):
            members[g].append(i)
        keys = [""] * len(vocab)
        for key, k in vocab.items():
            keys[k] = key
        index = Index(
            fingerprint=fingerprint,
            built_at=time.time(),
            ids=self.ids,
            schemata=self.schemata,
            captions=self.captions,
            sources=self.sources,
            source_ids=self.source_ids,
            programs=[tuple(p) for p in self.programs],
            countries=self.countries,
            birth_dates=self.birth_dates,
            entity_identifiers=self.entity_identifiers,
            dprk=np.array(self.dprk, dtype=bool),
            groups=groups,
            form_start=form_start,
            form_texts=[f.text for f in self.forms],
            form_kinds=[f.kind for f in self.forms],
            form_legal=[f.legal_form for f in self.forms],
            form_key_ids=np.array(form_key_ids, dtype=np.int32),
            form_key_start=np.array(form_key_start, dtype=np.int64),
            form_boosts=np.array(form_boosts, dtype=np.float32),
            form_names=self.form_names,
            form_weights=np.array(self.form_weights, dtype=np.float32),
            keys=keys,
            idf=idf,
            post_data=post_data,
            post_start=post_start,
            del_hash=del_hash,
            del_data=del_data,
            del_start=del_start,
            identifiers=dict(identifiers),
            by_id=self.by_id,
            group_members={g: m for g, m in members.items() if len(m) > 1},
        )
        index.build_seconds = time.perf_counter() - started
        return index


def build_index(entities: Iterable[Any], fingerprint: str | None = None, dprk_ids: set[str] | None = None) -> Index:
    """Build an :class:`Index` from FtM entities (Sanction entities supply programmes)."""
    started = time.perf_counter()
    builder = _Builder()
    hasher = hashlib.sha256()
    for entity in entities:
        builder.add(entity, dprk_ids)
        if fingerprint is None and entity.id:
            hasher.update(entity.id.encode())
    return builder.finish(fingerprint or "adhoc-" + hasher.hexdigest()[:16], started)


_NAMES_SIGNATURE: str | None = None


def names_signature() -> str:
    """A hash of the names package files (name, size, mtime): the index's forms and keys depend on
    them, so a changed normaliser rebuilds the index even when the lists have not changed."""
    global _NAMES_SIGNATURE
    if _NAMES_SIGNATURE is None:
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent / "names"  # without importing the package
        stack = [root]
        files = []
        while stack:
            folder = stack.pop()
            for item in folder.iterdir():
                if item.is_dir():
                    if item.name != "__pycache__":
                        stack.append(item)
                elif item.name.endswith((".py", ".csv", ".yml", ".yaml", ".json", ".txt", ".tsv")):
                    files.append(item)
        for item in sorted(files, key=lambda f: str(f)):
            # name, size and modification time: cheap (no reading) and changes with every edit
            try:
                st = Path(str(item)).stat()
                digest.update(f"{item.name}:{st.st_size}:{st.st_mtime_ns}".encode())
            except OSError:
                digest.update(item.read_bytes())
        _NAMES_SIGNATURE = digest.hexdigest()[:12]
    return _NAMES_SIGNATURE


def index_path(index_dir: Path, fingerprint: str) -> Path:
    """``index-<store fingerprint>-<names signature>-v<INDEX_VERSION>.pkl``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", fingerprint)[:64]
    return Path(index_dir) / f"index-{safe}-{names_signature()}-v{INDEX_VERSION}.pkl"


def _stamp(store: Any) -> dict[str, Any] | None:
    """The DuckDB file's size and mtime: unchanged means no load has committed since (no store open needed)."""
    settings = getattr(store, "settings", None)
    if settings is None or getattr(settings, "database_url", ""):
        return None
    path = Path(settings.db_path)
    if not path.exists():
        return None
    st = path.stat()
    return {"db": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def cached_index_path(index_dir: Path, settings: Any) -> Path | None:
    """The saved index for the store, found without opening the store when its file is unchanged.

    ``current.json`` in the index directory remembers the store file's size and mtime when the
    index was last confirmed against ``store.fingerprint()``; if both are still the same, no list
    load has committed since, and the index it names is current.
    """
    marker = Path(index_dir) / "current.json"
    if getattr(settings, "database_url", "") or not marker.exists():
        return None
    try:
        import json

        data = json.loads(marker.read_text(encoding="utf-8"))
        path = Path(settings.db_path)
        st = path.stat()
        if (data.get("db") == str(path) and data.get("size") == st.st_size and data.get("mtime_ns") == st.st_mtime_ns
                and data.get("names") == names_signature() and data.get("version") == INDEX_VERSION):
            candidate = Path(data["index"])
            return candidate if candidate.exists() else None
    except (OSError, ValueError, KeyError):
        return None
    return None


def _write_marker(index_dir: Path, store: Any, path: Path) -> None:
    stamp = _stamp(store)
    if stamp is None:
        return
    import json

    stamp["index"] = str(path)
    stamp["names"] = names_signature()
    stamp["version"] = INDEX_VERSION
    try:
        (Path(index_dir) / "current.json").write_text(json.dumps(stamp), encoding="utf-8")
    except OSError:
        pass


def load_or_build(store: Any, index_dir: Path) -> Index:
    """The index for the store's current lists: from disk if its fingerprint matches, else built and saved."""
    fingerprint = str(store.fingerprint())
    path = index_path(index_dir, fingerprint)
    if path.exists():
        try:
            index = Index.load(path)
            _write_marker(index_dir, store, path)
            return index
        except Exception as exc:  # noqa: BLE001 - a corrupt or old file is rebuilt, not fatal
            log.warning("index %s unreadable (%s); rebuilding", path, exc)
    started = time.perf_counter()
    index = build_index(store.iter_entities(), fingerprint)
    index.build_seconds = time.perf_counter() - started
    index.save(path)
    _write_marker(index_dir, store, path)
    for old in Path(index_dir).glob("index-*.pkl"):
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass
    return index
