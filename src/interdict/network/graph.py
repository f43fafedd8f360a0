"""The network as arrays: nodes, typed edges (ownership with percentages), shared attributes.

:class:`Graph` is what ownership and proximity work on: node ids, a node kind (organisation or
person), a ``designated`` flag, and edge arrays ``src, dst, kind, pct`` (numpy), plus attribute rows
``(node, kind, value)`` for addresses, phones, e-mails, websites, bank accounts and registration
numbers. It is built from FtM entities by :func:`build_graph` (which reports bad links and goes on)
or straight from arrays by the benchmark generator (:meth:`Graph.from_arrays`).

Edge direction follows FtM: ownership owner -> asset, directorship director -> organisation,
employment employee -> employer, membership member -> organisation, representation agent -> client,
family/associate person -> relative, unknown link subject -> object, trade shipper -> consignee,
succession predecessor -> successor, parent parent -> child.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from followthemoney import model
from followthemoney.proxy import EntityProxy

from interdict.exc import ProblemLog

from .loader import Inputs, Shipment
from .normalize import (
    address_key,
    building_key,
    norm_email,
    norm_identifier,
    norm_phone,
    norm_website,
)

__all__ = [
    "EDGE_KINDS", "ATTR_KINDS", "NODE_ORG", "NODE_PERSON", "NODE_OTHER",
    "Designation", "Graph", "build_graph", "parse_percentage",
]

EDGE_KINDS = ["ownership", "directorship", "employment", "membership", "representation", "family",
              "associate", "unknown", "trade", "succession", "parent"]
EK = {name: i for i, name in enumerate(EDGE_KINDS)}
ATTR_KINDS = ["address", "building", "phone", "email", "website", "bank", "regno"]
AK = {name: i for i, name in enumerate(ATTR_KINDS)}
NODE_ORG, NODE_PERSON, NODE_OTHER = 0, 1, 2

_LINK_SCHEMATA = {
    "Ownership": ("owner", "asset", "ownership"),
    "Directorship": ("director", "organization", "directorship"),
    "Employment": ("employee", "employer", "employment"),
    "Membership": ("member", "organization", "membership"),
    "Representation": ("agent", "client", "representation"),
    "Family": ("person", "relative", "family"),
    "Associate": ("person", "associate", "associate"),
    "UnknownLink": ("subject", "object", "unknown"),
    "Succession": ("predecessor", "successor", "succession"),
}
_REGNO_PROPS = ("registrationNumber", "uscCode", "taxNumber", "innCode", "ogrnCode", "idNumber", "leiCode",
                "dunsCode", "imoNumber", "vatCode")


@dataclass
class Designation:
    """Why a node counts as designated: it is a list entity, matched one, or the input says so."""

    entity_id: str
    basis: str  # "list-entity", "match", "input-topic", "decision"
    list_id: str | None = None
    caption: str | None = None
    score: float = 1.0
    programs: list[str] = field(default_factory=list)
    source: str | None = None
    listing_date: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    dprk: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], {})}


@dataclass
class Graph:
    ids: list[str]
    node_kind: np.ndarray  # int8
    designated: np.ndarray  # bool
    e_src: np.ndarray  # int32
    e_dst: np.ndarray  # int32
    e_kind: np.ndarray  # int8
    e_pct: np.ndarray  # float64 fraction in [0, 1], NaN when unknown (ownership only)
    a_node: np.ndarray  # int32
    a_kind: np.ndarray  # int8
    a_val: np.ndarray  # int32, index into values
    values: list[str]
    e_link: list[str | None] | None = None
    e_role: list[str | None] | None = None
    entities: dict[str, EntityProxy] = field(default_factory=dict)
    designations: dict[str, Designation] = field(default_factory=dict)
    shipments: list[Shipment] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)
    _index: dict[str, int] | None = None
    _owner_index: dict[int, list[tuple[int, float, int]]] | None = None

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {nid: i for i, nid in enumerate(self.ids)}
        return self._index

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def from_arrays(
        cls, n: int, node_kind: np.ndarray, designated: np.ndarray, e_src: np.ndarray, e_dst: np.ndarray,
        e_kind: np.ndarray, e_pct: np.ndarray, a_node: np.ndarray | None = None, a_kind: np.ndarray | None = None,
        a_val: np.ndarray | None = None, ids: list[str] | None = None,
    ) -> Graph:
        empty = np.zeros(0, dtype=np.int32)
        return cls(
            ids=ids if ids is not None else [f"n{i}" for i in range(n)],
            node_kind=np.asarray(node_kind, dtype=np.int8), designated=np.asarray(designated, dtype=bool),
            e_src=np.asarray(e_src, dtype=np.int32), e_dst=np.asarray(e_dst, dtype=np.int32),
            e_kind=np.asarray(e_kind, dtype=np.int8), e_pct=np.asarray(e_pct, dtype=np.float64),
            a_node=empty if a_node is None else np.asarray(a_node, dtype=np.int32),
            a_kind=np.zeros(0, dtype=np.int8) if a_kind is None else np.asarray(a_kind, dtype=np.int8),
            a_val=empty if a_val is None else np.asarray(a_val, dtype=np.int32), values=[],
        )

    # --- convenience for explanations (small graphs) ---------------------------------------------
    def caption(self, node: int | str) -> str:
        nid = self.ids[node] if isinstance(node, int | np.integer) else node
        proxy = self.entities.get(nid)
        if proxy is not None:
            return proxy.caption
        des = self.designations.get(nid)
        if des is not None and des.caption:
            return des.caption
        return nid

    def owners_of(self, node: int) -> list[tuple[int, float, int]]:
        """(owner, fraction or NaN, edge index) of the direct owners of ``node`` (index built once)."""
        if self._owner_index is None:
            index: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
            for i in np.nonzero(self.e_kind == EK["ownership"])[0].tolist():
                index[int(self.e_dst[i])].append((int(self.e_src[i]), float(self.e_pct[i]), i))
            self._owner_index = index
        return self._owner_index.get(int(node), [])

    def edges_of(self, node: int) -> np.ndarray:
        """Indices of edges touching ``node`` (either end)."""
        return np.nonzero((self.e_src == node) | (self.e_dst == node))[0]

    def attr_values(self, node: int, kind: str) -> list[str]:
        mask = (self.a_node == node) & (self.a_kind == AK[kind])
        return [self.values[v] for v in self.a_val[mask]]


def parse_percentage(values: list[str]) -> tuple[float | None, str | None]:
    """First parseable percentage as a fraction; (None, problem) when missing, junk or out of range."""
    for raw in values:
        text = str(raw).strip().replace(",", ".").rstrip("%").strip()
        if not text:
            continue
        match = re.match(r"^[-+]?\d+(\.\d+)?$", text)
        if not match:
            return None, f"percentage {raw!r} is not a number"
        value = float(text)
        if math.isnan(value) or value < 0:
            return None, f"percentage {raw!r} is negative"
        if value > 100:
            return None, f"percentage {raw!r} is over 100: share treated as unknown"
        return value / 100.0, None
    return None, None


def _node_kind(schema_name: str) -> int:
    schema = model.get(schema_name)
    if schema is None:
        return NODE_OTHER
    if schema.is_a("Person"):
        return NODE_PERSON
    if schema.is_a("LegalEntity") or schema.is_a("Organization"):
        return NODE_ORG
    return NODE_OTHER


def _is_node_schema(proxy: EntityProxy) -> bool:
    schema = proxy.schema
    if schema.edge or schema.name in ("Address", "Sanction", "BankAccount", "Identification", "Passport",
                                      "Note", "Position", "Occupancy"):
        return False
    return schema.is_a("Thing")


def build_graph(
    inputs: Inputs,
    designations: dict[str, Designation] | None = None,
    list_entities: dict[str, EntityProxy] | None = None,
) -> Graph:
    """Turn entities and shipments into a :class:`Graph`; problems go to ``inputs.problems``.

    ``list_entities`` (id -> proxy) lets a link point at a list entity that is not in the input
    (``un_sc-KPe.002``): the entity is pulled in as a node. ``designations`` seeds the designated set.
    """
    problems = inputs.problems
    designations = dict(designations or {})
    list_entities = list_entities or {}
    entities = dict(inputs.entities)

    ids: list[str] = []
    index: dict[str, int] = {}
    kinds: list[int] = []

    def add_node(proxy: EntityProxy) -> int:
        idx = index.get(proxy.id)
        if idx is None:
            idx = len(ids)
            index[proxy.id] = idx
            ids.append(proxy.id)
            kinds.append(_node_kind(proxy.schema.name))
        return idx

    for proxy in entities.values():
        if _is_node_schema(proxy):
            add_node(proxy)

    def resolve_ref(ref: str, link: EntityProxy) -> int | None:
        idx = index.get(ref)
        if idx is not None:
            return idx
        listed = list_entities.get(ref)
        if listed is not None:
            entities[ref] = listed
            return add_node(listed)
        if ref in entities:  # an Address or other non-node entity used as a party
            problems.add(f"link {link.schema.name} points at a {entities[ref].schema.name}, not a party: ignored",
                         record=link.id)
            return None
        problems.add(f"dangling reference: {link.schema.name} points at unknown entity {ref}: link ignored",
                     record=link.id)
        return None

    e_src: list[int] = []
    e_dst: list[int] = []
    e_kind: list[int] = []
    e_pct: list[float] = []
    e_link: list[str | None] = []
    e_role: list[str | None] = []
    shares: dict[int, list[tuple[int, float]]] = defaultdict(list)  # edge pos -> shares count for fallback
    bank_rows: list[tuple[int, str]] = []

    addresses = {p.id: p for p in entities.values() if p.schema.name == "Address"}

    for link in list(entities.values()):
        spec = _LINK_SCHEMATA.get(link.schema.name)
        if spec is None:
            continue
        src_prop, dst_prop, kind = spec
        srcs = link.get(src_prop, quiet=True)
        dsts = link.get(dst_prop, quiet=True)
        if not srcs or not dsts:
            problems.add(f"{link.schema.name} without {src_prop if not srcs else dst_prop}: ignored", record=link.id)
            continue
        role = (link.first("role", quiet=True) or link.first("relationship", quiet=True) or None)
        for s_ref in srcs:
            for d_ref in dsts:
                if kind == "ownership" and d_ref in entities and entities[d_ref].schema.name == "BankAccount":
                    s = resolve_ref(s_ref, link)
                    acct = entities[d_ref]
                    number = acct.first("iban", quiet=True) or acct.first("accountNumber", quiet=True)
                    if s is not None and norm_identifier(number):
                        bank_rows.append((s, norm_identifier(number)))
                    continue
                s = resolve_ref(s_ref, link)
                d = resolve_ref(d_ref, link)
                if s is None or d is None:
                    continue
                if s == d:
                    problems.add(f"{link.schema.name} links {s_ref} to itself: ignored", record=link.id)
                    continue
                pct = math.nan
                if kind == "ownership":
                    if kinds[d] == NODE_PERSON:
                        problems.add(f"a person cannot be owned: ownership of {d_ref} by {s_ref} ignored",
                                     record=link.id)
                        continue
                    value, problem = parse_percentage(link.get("percentage", quiet=True))
                    if problem:
                        problems.add(problem, record=link.id, field="percentage")
                    if value is not None:
                        pct = value
                    else:
                        count = link.first("sharesCount", quiet=True)
                        try:
                            n_shares = float(str(count).replace(",", "")) if count else None
                        except ValueError:
                            n_shares = None
                        if n_shares is not None and n_shares >= 0:
                            shares[d].append((len(e_src), n_shares))
                        elif not problem:
                            problems.add("ownership without percentage or shares: share unknown", record=link.id,
                                         field="percentage")
                e_src.append(s)
                e_dst.append(d)
                e_kind.append(EK[kind])
                e_pct.append(pct)
                e_link.append(link.id)
                e_role.append(role)

    # Organization.parent -> control edge of unknown share
    for proxy in list(entities.values()):
        if not _is_node_schema(proxy):
            continue
        for parent in proxy.get("parent", quiet=True):
            p = resolve_ref(parent, proxy)
            if p is not None and p != index[proxy.id]:
                e_src.append(p)
                e_dst.append(index[proxy.id])
                e_kind.append(EK["parent"])
                e_pct.append(math.nan)
                e_link.append(proxy.id)
                e_role.append("parent")

    # trade edges
    for shipment in inputs.shipments:
        s, d = index.get(shipment.shipper_id), index.get(shipment.consignee_id)
        if s is None or d is None or s == d:
            continue
        e_src.append(s)
        e_dst.append(d)
        e_kind.append(EK["trade"])
        e_pct.append(math.nan)
        e_link.append(shipment.id)
        e_role.append("shipment")

    pct_arr = np.array(e_pct, dtype=np.float64)
    # ownerships given as a number of shares: fraction of the shares counted for that asset (owners
    # with a percentage keep it; the total is then scaled below if the two together pass 100%)
    for rows in shares.values():
        total = sum(c for _, c in rows)
        if total > 0:
            for pos, count in rows:
                pct_arr[pos] = count / total

    # shares above 100% in total for an asset: report and scale down so the arithmetic stays bounded
    kind_arr = np.array(e_kind, dtype=np.int8)
    dst_arr = np.array(e_dst, dtype=np.int32)
    own = (kind_arr == EK["ownership"]) & ~np.isnan(pct_arr)
    if own.any():
        totals = np.bincount(dst_arr[own], weights=pct_arr[own], minlength=len(ids))
        over = np.nonzero(totals > 1.0 + 1e-9)[0]
        for asset in over:
            problems.add(
                f"ownership shares of {ids[asset]} add up to {totals[asset] * 100:.1f}%: scaled down to 100%",
                record=ids[asset], field="percentage",
            )
            sel = own & (dst_arr == asset)
            pct_arr[sel] = pct_arr[sel] / totals[asset]

    # ownership cycles are handled by the arithmetic, and reported so that the analyst sees them
    _report_cycles(ids, np.array(e_src, dtype=np.int32), dst_arr, kind_arr, e_link, problems)

    # attributes
    values: list[str] = []
    val_index: dict[str, int] = {}
    a_node: list[int] = []
    a_kind: list[int] = []
    a_val: list[int] = []

    def add_attr(node: int, kind: str, value: str | None) -> None:
        if not value:
            return
        key = f"{kind}:{value}"
        vi = val_index.get(key)
        if vi is None:
            vi = len(values)
            val_index[key] = vi
            values.append(value)
        a_node.append(node)
        a_kind.append(AK[kind])
        a_val.append(vi)

    for nid in ids:
        proxy = entities.get(nid)
        if proxy is None:
            continue
        node = index[nid]
        seen: set[tuple[str, str]] = set()

        def put(kind: str, value: str | None, node: int = node, seen: set = seen) -> None:
            if value and (kind, value) not in seen:
                seen.add((kind, value))
                add_attr(node, kind, value)

        texts = list(proxy.get("address", quiet=True))
        for ref in proxy.get("addressEntity", quiet=True):
            addr = addresses.get(ref)
            if addr is not None:
                texts.extend(addr.get("full", quiet=True) or [addr.caption])
            else:
                problems.add(f"dangling addressEntity {ref}", record=nid, field="addressEntity")
        for text in texts:
            put("address", address_key(text))
            put("building", building_key(text))
        for v in proxy.get("phone", quiet=True):
            put("phone", norm_phone(v))
        for v in proxy.get("email", quiet=True):
            put("email", norm_email(v))
        for v in proxy.get("website", quiet=True):
            put("website", norm_website(v))
        for prop in _REGNO_PROPS:
            for v in proxy.get(prop, quiet=True):
                put("regno", norm_identifier(v))
    for node, number in bank_rows:
        add_attr(node, "bank", number)

    designated = np.zeros(len(ids), dtype=bool)
    for nid, proxy in entities.items():
        idx = index.get(nid)
        if idx is None:
            continue
        if nid in list_entities and nid not in designations:
            designations[nid] = Designation(nid, "list-entity", list_id=nid, caption=proxy.caption,
                                            source=next(iter(getattr(proxy, "datasets", None) or []), nid.split("-", 1)[0]))
        topics = proxy.get("topics", quiet=True)
        if nid not in designations and any(t == "sanction" for t in topics):
            designations[nid] = Designation(
                nid, "input-topic", caption=proxy.caption,
                programs=list(proxy.get("program", quiet=True)),
                evidence={"topics": list(topics)},
                dprk="kp" in proxy.get("country", quiet=True) or any("dprk" in p.lower() or "korea" in p.lower()
                                                                    for p in proxy.get("program", quiet=True)),
            )
    for nid in designations:
        if nid in index:
            designated[index[nid]] = True

    graph = Graph(
        ids=ids, node_kind=np.array(kinds, dtype=np.int8), designated=designated,
        e_src=np.array(e_src, dtype=np.int32), e_dst=dst_arr, e_kind=kind_arr, e_pct=pct_arr,
        a_node=np.array(a_node, dtype=np.int32), a_kind=np.array(a_kind, dtype=np.int8),
        a_val=np.array(a_val, dtype=np.int32), values=values, e_link=e_link, e_role=e_role,
        entities=entities, designations={k: v for k, v in designations.items() if k in index},
        shipments=inputs.shipments, problems=problems,
    )
    graph._index = index
    return graph


def _report_cycles(ids: list[str], src: np.ndarray, dst: np.ndarray, kind: np.ndarray,
                   links: list[str | None], problems: ProblemLog, limit: int = 1000) -> None:
    """One problem per ownership cycle (strongly connected component of two or more entities)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    sel = kind == EK["ownership"]
    if not sel.any():
        return
    n = len(ids)
    mat = csr_matrix((np.ones(int(sel.sum())), (src[sel], dst[sel])), shape=(n, n))
    _, labels = connected_components(mat, directed=True, connection="strong")
    sizes = np.bincount(labels)
    cyclic = np.nonzero(sizes > 1)[0]
    for comp in cyclic[:limit]:
        members = np.nonzero(labels == comp)[0]
        inside = np.nonzero(sel & np.isin(src, members) & np.isin(dst, members))[0]
        records = sorted({links[i] for i in inside if links[i]})
        names = ", ".join(ids[m] for m in members[:8]) + (" ..." if len(members) > 8 else "")
        problems.add(
            f"ownership cycle among {len(members)} entities ({names}); handled: the look-through sums the "
            f"cycle's geometric series, the 50% rule its fixpoint",
            record=", ".join(records[:10]), field="ownership",
        )
