"""Connected groups of accounts tied by shared attributes (union-find), weighted by rarity.

An attribute links accounts only while it is *rare*: a device, payment account, identity document,
photo, phone or mailbox shared by a handful of accounts is strong evidence that one operator runs
them; an IP address links only when it is not a VPN/proxy/hosting exit and few accounts use it
(shared public IPs, carrier NAT and VPN exits would otherwise glue thousands of genuine users into
one giant component). Each kind has a cap on the number of accounts and a link weight; the weight
of a member's strongest link scales how much of the group's evidence counts for it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["UnionFind", "Link", "Cluster", "LINK_KINDS", "build_clusters"]

# kind -> (max accounts sharing it for it to link, link weight)
LINK_KINDS: dict[str, tuple[int, float]] = {
    "device": (25, 1.0),
    "payment": (25, 1.0),
    "document": (10, 1.0),
    "photo": (10, 1.0),
    "phone": (10, 0.9),
    "email": (10, 0.9),
    "email_pattern": (8, 0.5),
    "address": (25, 0.8),
    "ip": (5, 0.5),
}
WEAK_KINDS = frozenset({"ip", "address", "email_pattern"})
MAX_CLUSTER = 200  # groups larger than this are reported but do not pass evidence around


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.rank = [0] * size

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.rank[ra] < self.rank[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.rank[ra] == self.rank[rb]:
            self.rank[ra] += 1


@dataclass
class Link:
    kind: str
    value: str
    members: list[int]

    @property
    def weight(self) -> float:
        cap, weight = LINK_KINDS[self.kind]
        # rarer is stronger: two accounts sharing it count fully, more accounts a little less
        return weight * (1.0 if len(self.members) <= 2 else max(0.5, 1.0 - (len(self.members) - 2) / (2 * cap)))


@dataclass
class Cluster:
    id: str
    members: list[int]
    links: list[Link] = field(default_factory=list)
    member_weight: dict[int, float] = field(default_factory=dict)

    @property
    def passes_evidence(self) -> bool:
        return 2 <= len(self.members) <= MAX_CLUSTER


def build_clusters(size: int, shared: dict[str, dict[str, set[int]]]) -> tuple[list[Cluster], dict[int, Cluster]]:
    """Union accounts over rare shared attributes; ``shared[kind][value]`` = accounts with it.

    Strong kinds (device, payment account, document, photo, phone, mailbox) link on their own.
    Weak kinds (uncommon IP, shipping address, e-mail pattern) link two accounts only when they
    share at least two different weak attributes (a laptop farm's IP *and* address; not one
    coworking IP or one common e-mail stem), so chains of coincidences do not merge groups.
    """
    uf = UnionFind(size)
    links: list[Link] = []
    weak_pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    weak_links: list[Link] = []
    for kind, values in shared.items():
        cap, _ = LINK_KINDS[kind]
        for value, members in values.items():
            if len(members) < 2 or len(members) > cap:
                continue
            ordered = sorted(members)
            link = Link(kind, value, ordered)
            if kind in WEAK_KINDS:
                weak_links.append(link)
                for x in range(len(ordered)):
                    for y in range(x + 1, len(ordered)):
                        weak_pairs[(ordered[x], ordered[y])].add(kind)
                continue
            links.append(link)
            first = ordered[0]
            for other in ordered[1:]:
                uf.union(first, other)
    for (a, b), kinds in weak_pairs.items():
        if len(kinds) >= 2:
            uf.union(a, b)
    for link in weak_links:
        # keep a weak link as evidence of the group when its members ended up together
        roots = {uf.find(m) for m in link.members}
        if len(roots) < len(link.members):
            for root in roots:
                members = [m for m in link.members if uf.find(m) == root]
                if len(members) >= 2:
                    links.append(Link(link.kind, link.value, members))
    groups: dict[int, set[int]] = defaultdict(set)
    for link in links:
        for m in link.members:
            groups[uf.find(m)].add(m)
    by_root: dict[int, Cluster] = {}
    clusters: list[Cluster] = []
    for root, members in groups.items():
        cluster = Cluster(id="", members=sorted(members))
        by_root[root] = cluster
        clusters.append(cluster)
    for link in links:
        cluster = by_root[uf.find(link.members[0])]
        cluster.links.append(link)
        for m in link.members:
            cluster.member_weight[m] = max(cluster.member_weight.get(m, 0.0), link.weight)
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    member_of: dict[int, Cluster] = {}
    for n, cluster in enumerate(clusters, start=1):
        cluster.id = f"C{n:04d}"
        for m in cluster.members:
            member_of[m] = cluster
    return clusters, member_of
