"""Synthetic company registries with planted sanctions-evasion structures (documented, seeded).

Two generators:

``scale_graph(n_companies, n_links, seed)`` builds a :class:`~interdict.network.graph.Graph` straight
from numpy arrays, for the 1,000,000-company timing and memory run:

* companies ``0..C-1`` and persons (0.8 C); half the links are ownerships, half directorships;
* heavy-tailed degrees: owners and directors are drawn by rank ``floor(N * u**3)`` (``u`` uniform), so
  a few holding companies and nominee directors appear thousands of times while most appear once or
  twice (the shape of real registries); 60% of owners are persons, 40% companies (so chains and
  cycles form among companies);
* each asset's ownership percentages split a total between 60% and 100% among its owners
  (exponential weights normalised per asset);
* one address per company drawn by the same rank law over 0.6 C addresses (registered-agent
  addresses end up shared by thousands), one phone per company (90% unique, 10% from a small pool);
* 0.1% of companies and 0.06% of persons designated;
* planted on top: ownership chains split across 2-4 designated owners, and cross-holding cycles.

``typology_registry(n_background, n_planted, seed)`` writes FtM entities (and trade records) for the
precision/recall run: a background of Chinese companies, persons, ownerships, directorships and
addresses with the same shapes, and ``n_planted`` positives **and** as many near-miss negatives for
each structure:

==========================  ===============================================  ==========================================
structure                   positive                                         near-miss negative
==========================  ===============================================  ==========================================
``ofac-50-percent``         2-4 designated owners whose shares reach 50%+     same structure summing to 35-49%
                            through 1-3 levels (blocked intermediates) and
                            cycles
``jv-dprk-party``           company co-owned by a DPRK (kp) company and a      co-owned by a Russian and a Chinese company
                            Chinese company
``nominal-local-management`` Chinese legal representative, DPRK employee     Chinese legal representative, Chinese staff
``it-front-border``         IT company formed < 3 years ago, USCC in a        same company formed 8 years ago, or in
                            border county or hub, employee linked to a        Guangzhou
                            DPRK designated party
``building-cluster``        another room in a designated trader's building    same street, different building number
``sister-successor``        name core of a designated company + shared        name core shared, no shared officer/contact
                            officer
``computers-with-bulk``     trader shipping HS 8471 and HS 2701/2601           trader shipping computers and seafood
==========================  ===============================================  ==========================================

``truth`` maps each rule id to its positive ids and its negative ids. Every name, address and number
is invented; designated parties are marked with the FtM topic ``sanction`` (no lists needed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interdict.network.graph import AK, EK, NODE_ORG, NODE_PERSON, Graph

__all__ = ["scale_graph", "typology_registry", "Registry"]


def _rank(rng: np.random.Generator, n: int, size: int, power: float = 3.0) -> np.ndarray:
    """Heavy-tailed draw of ``size`` items from ``n`` ranks: ``floor(n * u**power)``."""
    return np.minimum((n * rng.random(size) ** power).astype(np.int64), n - 1)


def scale_graph(n_companies: int = 1_000_000, n_links: int = 3_000_000, seed: int = 1) -> tuple[Graph, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    C = n_companies
    P = int(0.8 * C)
    n = C + P
    n_own = n_links // 2
    n_dir = n_links - n_own
    # ownership: asset uniform over companies; owners heavy-tailed, 60% persons
    asset = rng.integers(0, C, n_own)
    is_person = rng.random(n_own) < 0.6
    owner = np.where(is_person, C + _rank(rng, P, n_own), _rank(rng, C, n_own))
    keep = owner != asset
    asset, owner = asset[keep], owner[keep]
    w = rng.exponential(1.0, len(asset))
    total_w = np.bincount(asset, weights=w, minlength=C)
    target = rng.uniform(0.6, 1.0, C)
    pct = w / total_w[asset] * target[asset]
    # directorships: organisation uniform, director persons heavy-tailed
    org = rng.integers(0, C, n_dir)
    director = C + _rank(rng, P, n_dir)
    designated = np.zeros(n, dtype=bool)
    designated[rng.choice(C, max(1, C // 1000), replace=False)] = True
    designated[C + rng.choice(P, max(1, int(P * 0.0006)), replace=False)] = True

    # planted chains split across several designated owners and cycles
    n_plant = max(10, C // 10_000)
    des_pool = np.flatnonzero(designated)
    fresh = rng.choice(C, 3 * n_plant, replace=False)
    p_src, p_dst, p_pct = [], [], []
    planted_targets = []
    for i in range(n_plant):
        hold, target_c, other = fresh[3 * i], fresh[3 * i + 1], fresh[3 * i + 2]
        owners = rng.choice(des_pool, 3, replace=False)
        for o in owners:  # three designated owners at 20% each of a holding company
            p_src.append(o), p_dst.append(hold), p_pct.append(0.2)
        p_src.append(hold), p_dst.append(target_c), p_pct.append(0.55)
        p_src.append(target_c), p_dst.append(other), p_pct.append(0.3)  # cycle target <-> other
        p_src.append(other), p_dst.append(target_c), p_pct.append(0.3)
        planted_targets.append(int(target_c))
    e_src = np.concatenate([owner, director, np.array(p_src)]).astype(np.int32)
    e_dst = np.concatenate([asset, org, np.array(p_dst)]).astype(np.int32)
    e_kind = np.concatenate([np.full(len(owner), EK["ownership"]), np.full(n_dir, EK["directorship"]),
                             np.full(len(p_src), EK["ownership"])]).astype(np.int8)
    e_pct = np.concatenate([pct, np.full(n_dir, np.nan), np.array(p_pct)])
    # attributes: address (heavy-tailed sharing), phone (10% from a pool)
    addr = _rank(rng, int(0.6 * C), C)
    phone = np.where(rng.random(C) < 0.1, rng.integers(0, C // 100, C), C // 100 + np.arange(C))
    a_node = np.concatenate([np.arange(C), np.arange(C)]).astype(np.int32)
    a_kind = np.concatenate([np.full(C, AK["address"]), np.full(C, AK["phone"])]).astype(np.int8)
    a_val = np.concatenate([addr, int(0.6 * C) + phone]).astype(np.int32)
    node_kind = np.concatenate([np.full(C, NODE_ORG), np.full(P, NODE_PERSON)]).astype(np.int8)
    graph = Graph.from_arrays(n, node_kind, designated, e_src, e_dst, e_kind, e_pct, a_node, a_kind, a_val,
                              ids=[])
    graph.ids = _LazyIds(n)
    stats = {"companies": C, "persons": P, "links": int(len(e_src)), "ownerships": int((e_kind == EK["ownership"]).sum()),
             "directorships": int(n_dir), "attributes": int(len(a_node)), "designated": int(designated.sum()),
             "planted_chain_targets": planted_targets}
    return graph, stats


class _LazyIds(list):
    """Node ids ``n0..`` made on demand (a million-element list of strings is not needed for timing)."""

    def __init__(self, n: int):
        super().__init__()
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        return f"n{int(i)}"


# --- FtM registry with planted typologies -----------------------------------------------------------

SYLL = ["an", "bo", "chang", "da", "feng", "guang", "hai", "heng", "hua", "jin", "kai", "long", "ming", "rui",
        "sheng", "tai", "tong", "wei", "xin", "yuan", "zhong", "fu", "lian", "shun", "tian", "xiang", "yu"]
CITIES = [("Dandong", "210603"), ("Shenyang", "210114"), ("Dalian", "210202"), ("Guangzhou", "440106"),
          ("Hangzhou", "330106"), ("Tianjin", "120101"), ("Harbin", "230102"), ("Qingdao", "370202")]
BORDER = [("Dandong", "210603"), ("Hunchun", "222404"), ("Tumen", "222402"), ("Yanji", "222401"),
          ("Shenyang", "210114")]
STREETS = ["Xingwu", "Jiangcheng", "Shiwei", "Gongye", "Renmin", "Zhongshan", "Jiefang", "Heping", "Minzhu",
           "Huanghe", "Changjiang", "Beijing", "Taiyuan", "Kunming", "Wenhua", "Qianjin"]
STREETS_ZH = {"Xingwu": "兴五", "Jiangcheng": "江城", "Shiwei": "十纬", "Gongye": "工业", "Renmin": "人民",
              "Zhongshan": "中山", "Jiefang": "解放", "Heping": "和平", "Minzhu": "民主", "Huanghe": "黄河",
              "Changjiang": "长江", "Beijing": "北京", "Taiyuan": "太原", "Kunming": "昆明", "Wenhua": "文化",
              "Qianjin": "前进"}
KP_GIVEN = ["Chol", "Song", "Myong", "Kwang", "Hyok", "Nam", "Il", "Jin", "Ho", "Su", "Yong", "Bom", "Gun"]
KP_FAMILY = ["Choe", "Han", "Hwang", "Ryu", "Kang", "Jon", "Sin", "Paek", "Ju", "Ro"]
CN_FAMILY = ["Gao", "Sun", "Qian", "Zhou", "Wu", "Zheng", "Feng", "Chen", "Chu", "Wei", "Jiang", "Shen"]

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(region: str, rnd: random.Random) -> str:
    body = "91" + region + "".join(rnd.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_W, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


@dataclass
class Registry:
    entities: list[dict[str, Any]] = field(default_factory=list)
    shipments: list[dict[str, Any]] = field(default_factory=list)
    truth: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    _n: int = 0

    def add(self, schema: str, id: str | None = None, **props: Any) -> str:
        self._n += 1
        eid = id or f"e{self._n}"
        self.entities.append({"id": eid, "schema": schema, "properties": {
            k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in props.items() if v is not None}})
        return eid

    def label(self, rule: str, eid: str, positive: bool) -> None:
        self.truth.setdefault(rule, {"positive": set(), "negative": set()})
        self.truth[rule]["positive" if positive else "negative"].add(eid)


def typology_registry(n_background: int = 5000, n_planted: int = 40, seed: int = 1) -> Registry:
    rnd = random.Random(seed)
    reg = Registry()
    used_names: set[str] = set()

    def core() -> str:
        while True:
            name = "".join(rnd.choice(SYLL).capitalize() if i == 0 else rnd.choice(SYLL)
                           for i in range(2 if len(used_names) < 300 else 3))
            if name not in used_names:
                used_names.add(name)
                return name

    def company(city=None, sector="wholesale trade", year=None, region=None, street=None, number=None,
                name=None, country="cn", address=None, with_uscc=True, **extra) -> str:
        city, code = city or rnd.choice(CITIES)
        street = street or rnd.choice(STREETS)
        number = number or rnd.randint(1, 400)
        year = year or rnd.randint(1998, 2022)
        return reg.add("Company", name=name or f"{city} {core()} Trading Co., Ltd.", country=country,
                       address=address or f"Room {rnd.randint(101, 2999)}, No. {number} {street} Road, {city}, China",
                       uscCode=uscc(region or code, rnd) if with_uscc else None,
                       incorporationDate=f"{year}-{rnd.randint(1, 12):02d}-15", sector=sector, **extra)

    def person(nationality="cn") -> str:
        if nationality == "kp":
            name = f"{rnd.choice(KP_FAMILY)} {rnd.choice(KP_GIVEN)} {rnd.choice(KP_GIVEN).lower()}"
        else:
            name = f"{rnd.choice(CN_FAMILY)} {rnd.choice(SYLL).capitalize()}{rnd.choice(SYLL)}"
        return reg.add("Person", name=name, nationality=nationality)

    def own(owner, asset, pct):
        reg.add("Ownership", owner=owner, asset=asset, percentage=f"{pct:g}")

    def direct(director, org, role="director"):
        reg.add("Directorship", director=director, organization=org, role=role)

    # --- background ---
    companies = [company() for _ in range(n_background)]
    people = [person() for _ in range(int(0.8 * n_background))]
    for c in companies:
        k = 1 + min(int(rnd.expovariate(0.8)), 4)
        shares = [rnd.expovariate(1) for _ in range(k)]
        total = sum(shares) / rnd.uniform(0.7, 1.0)
        for s in shares:
            pool = people if rnd.random() < 0.6 else companies
            o = pool[min(int(len(pool) * rnd.random() ** 3), len(pool) - 1)]
            if o != c:
                own(o, c, round(100 * s / total, 2))
        direct(people[min(int(len(people) * rnd.random() ** 3), len(people) - 1)], c, "legal representative")
    designated_cos = []
    for _ in range(max(5, n_background // 500)):
        d = company(city=("Dandong", "210603"), topics="sanction", program="DPRK3")
        designated_cos.append(d)
    kp_orgs = [reg.add("Organization", name=f"Korea {core()} Trading Corporation", country="kp",
                       topics="sanction", program="DPRK") for _ in range(max(5, n_planted // 4))]
    kp_people = [reg.add("Person", name=f"{rnd.choice(KP_FAMILY)} {rnd.choice(KP_GIVEN)} {rnd.choice(KP_GIVEN).lower()}",
                         nationality="kp", topics="sanction", program="DPRK2") for _ in range(max(5, n_planted // 4))]
    designated = designated_cos + kp_orgs + kp_people

    # --- ofac-50-percent ---
    for i in range(2 * n_planted):
        positive = i % 2 == 0
        k = rnd.randint(2, 4)
        depth = rnd.randint(1, 3)
        target = company()
        owners = rnd.sample(designated, k)
        aggregate = rnd.uniform(0.51, 0.9) if positive else rnd.uniform(0.35, 0.49)
        parts = [rnd.random() + 0.2 for _ in range(k)]
        parts = [aggregate * p / sum(parts) for p in parts]
        style = i // 2 % 6  # 0-3 plain, 4: "55,2 %" written with a comma, 5: one share missing
        for j, (o, share) in enumerate(zip(owners, parts, strict=True)):
            node = target
            chain = [company() for _ in range(depth - 1)]
            # intermediates fully blocked: each 60-100% owned by the designated owner
            up = o
            for mid in chain:
                own(up, mid, round(rnd.uniform(60, 100), 2))
                up = mid
            if style == 5 and j == 0:
                reg.add("Ownership", owner=up, asset=node)  # share not recorded: the rule cannot count it
            elif style == 4:
                reg.add("Ownership", owner=up, asset=node, percentage=f"{100 * share:.1f} %".replace(".", ","))
            else:
                own(up, node, round(100 * share, 2))
        rest = company()
        own(rest, target, round(100 * (1 - aggregate) * 0.9, 2))
        if rnd.random() < 0.4:  # a cross-holding cycle with the rest-owner
            own(target, rest, round(rnd.uniform(10, 40), 2))
        reg.label("ofac-50-percent", target, positive)

    # --- jv-dprk-party ---
    for i in range(2 * n_planted):
        positive = i % 2 == 0
        jv = company(name=f"{rnd.choice(CITIES)[0]} {core()} Machinery Co., Ltd.")
        local = company()
        if positive:
            foreign = rnd.choice(kp_orgs) if i // 2 % 3 else person("kp")  # a DPRK individual as partner
        else:
            foreign = company(country="ru", name=f"OOO {core()} Invest")
        share = rnd.uniform(20, 49)
        own(foreign, jv, round(share, 2))
        own(local, jv, round(100 - share, 2))
        reg.label("jv-dprk-party", jv, positive)

    # --- nominal-local-management ---
    for i in range(2 * n_planted):
        positive = i % 2 == 0
        front = company()
        direct(person("cn"), front, "legal representative")
        staff = person("kp" if positive else "cn")
        reg.add("Employment", employee=staff, employer=front, role="manager")
        reg.label("nominal-local-management", front, positive)

    # --- it-front-border ---
    for i in range(2 * n_planted):
        positive = i % 2 == 0
        if positive:
            city, code = rnd.choice(BORDER)
            year = rnd.choice([2024, 2025])  # before the as-of date of the run (2026-11-22)
        elif rnd.random() < 0.5:
            city, code = rnd.choice(BORDER)
            year = rnd.randint(2010, 2020)
        else:
            city, code, year = "Guangzhou", "440106", rnd.choice([2024, 2025])
        hard = i // 2 % 3 == 0  # no USCC: the place must come from the address text
        it = company(city=(city, code), sector="software development and IT services", year=year,
                     name=f"{city} {core()} Network Technology Co., Ltd.", with_uscc=not hard)
        worker = person("kp")
        reg.add("Employment", employee=worker, employer=it, role="developer")
        reg.add("Representation", agent=worker, client=rnd.choice(kp_orgs), role="representative")
        direct(person("cn"), it, "legal representative")
        reg.label("it-front-border", it, positive)

    # --- building-cluster ---
    for i in range(2 * n_planted):
        positive = i % 2 == 0
        d = rnd.choice(designated_cos)
        addr = next(e for e in reg.entities if e["id"] == d)["properties"]["address"][0]
        num = int(addr.split("No. ")[1].split()[0])
        street = addr.split("No. ")[1].split()[1]
        number = num if positive else num + 200
        if i // 2 % 3 == 0:  # written in Chinese: 辽宁省丹东市振兴区<street>路<n>号<room>室
            zh = f"辽宁省丹东市振兴区{STREETS_ZH[street]}路{number}号{rnd.randint(101, 999)}室"
            c = company(city=("Dandong", "210603"), address=zh)
        else:
            c = company(city=("Dandong", "210603"), street=street, number=number)
        reg.label("building-cluster", c, positive)

    # --- sister-successor ---
    for i in range(2 * n_planted):
        positive = i % 2 == 0
        d = rnd.choice(designated_cos)
        dname = next(e for e in reg.entities if e["id"] == d)["properties"]["name"][0]
        stem = dname.split()[1]
        shown = stem if i // 2 % 3 else f"{stem[:4]} {stem[4:]}"  # "Silver Star" for "Silverstar"
        sister = company(city=("Yanji", "222401"), name=f"Yanji {shown} Software Co., Ltd.")
        if positive:
            officer = person("cn")
            direct(officer, d, "deputy manager")
            direct(officer, sister, "director")
        else:
            direct(person("cn"), sister, "director")
        reg.label("sister-successor", sister, positive)

    # --- computers-with-bulk ---
    for i in range(2 * n_planted):
        positive = i % 2 == 0
        name = f"Dandong {core()} Commerce Co., Ltd."
        trader = company(city=("Dandong", "210603"), name=name)
        partner = f"Sinuiju {core()} Trading Company"
        described = i // 2 % 3 == 0  # no HS codes, only descriptions
        reg.shipments.append({"shipment_id": f"S{len(reg.shipments)}", "shipper_name": name, "shipper_country": "cn",
                              "consignee_name": partner, "consignee_country": "kp",
                              "goods_description": "used laptops" if described else "notebook computers",
                              "hs_code": "" if described else "847130"})
        bulk = ("anthracite", "270111") if positive else ("frozen squid", "030743")
        if described:
            bulk = ("iron ore fines", "") if positive else ("frozen squid", "")
        reg.shipments.append({"shipment_id": f"S{len(reg.shipments)}", "shipper_name": partner, "shipper_country": "kp",
                              "consignee_name": name, "consignee_country": "cn",
                              "goods_description": bulk[0], "hs_code": bulk[1]})
        reg.label("computers-with-bulk", trader, positive)
    return reg
