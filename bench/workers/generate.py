"""Synthetic contractor populations and event streams for the workers benchmark.

Everything is drawn from one ``numpy`` generator seeded by ``--seed``, so a population is
reproducible and a different seed gives a held-out population with the same archetypes but
different people, operations, addresses, IPs and devices.

Genuine contractors (label 0), in many countries and time zones, with the confounders a real
platform sees:

* ``regular``    works local office hours, home IPs, own bank/PayPal, sometimes crypto (5 %),
                 sometimes a young one-person company, sometimes remote-support tools;
* ``traveller``  spends one trip abroad (non-VPN logins from another country and time zone,
                 with a travel gap at each end);
* ``vpn``        60-95 % of logins through a commercial VPN whose exits are shared by all VPN users;
* ``coworking``  shares an office IP with up to a dozen other genuine contractors;
* ``mobile``     behind a carrier NAT shared by dozens of accounts;
* ``diaspora``   Korean-speaking contractors in the US/Canada/Australia with a Korean keyboard;
* ``night``      genuine night owls (work 19:00-04:00 local);
* ``household``  two genuine accounts sharing home IP, shipping address and sometimes a joint
                 bank account.

Planted DPRK operations (label 1): teams of 1-8 accounts run from Shenyang, Dandong, Yanji or
Pyongyang under stolen Western (sometimes Asian) identities. Each account draws its own subset
of tradecraft, so no single signal finds them all: UTC+9 office hours; commercial VPN or a US
laptop farm (facilitator's residential IP with AnyDesk and 24 h sessions); shared payment
accounts (PRC banks or a facilitator's US account, third-party holders) and devices; reused
documents, photos, phones and e-mail patterns; Korean locale on some sessions; laptops shipped
to the facilitator and sometimes reshipped to Dandong/Shenyang; young IT-services fronts with
young domains; rare non-VPN leaks from Chinese IPs and very rarely from 175.45.176.0/22.

``write_population`` writes ``profiles.jsonl`` and ``truth.json``; ``write_events`` streams
``events.{csv,parquet,jsonl}`` in chunks (constant memory, any size).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

START = 1_735_689_600  # 2025-01-01T00:00:00Z
DAYS = 60

# country, UTC offset (hours, January), IANA zone, locale, cities
COUNTRIES = [
    ("us", -5, "America/New_York", "en-US", ["New York", "Boston", "Atlanta", "Miami"]),
    ("us", -6, "America/Chicago", "en-US", ["Chicago", "Austin", "Dallas"]),
    ("us", -8, "America/Los_Angeles", "en-US", ["Los Angeles", "Seattle", "San Francisco"]),
    ("us", -7, "America/Phoenix", "en-US", ["Phoenix", "Tucson"]),
    ("ca", -5, "America/Toronto", "en-CA", ["Toronto", "Ottawa"]),
    ("gb", 0, "Europe/London", "en-GB", ["London", "Manchester", "Leeds"]),
    ("de", 1, "Europe/Berlin", "de-DE", ["Berlin", "Munich", "Hamburg"]),
    ("fr", 1, "Europe/Paris", "fr-FR", ["Paris", "Lyon"]),
    ("pl", 1, "Europe/Warsaw", "pl-PL", ["Warsaw", "Krakow"]),
    ("ua", 2, "Europe/Kyiv", "uk-UA", ["Kyiv", "Lviv"]),
    ("ro", 2, "Europe/Bucharest", "ro-RO", ["Bucharest", "Cluj-Napoca"]),
    ("br", -3, "America/Sao_Paulo", "pt-BR", ["Sao Paulo", "Recife"]),
    ("ar", -3, "America/Argentina/Buenos_Aires", "es-AR", ["Buenos Aires", "Cordoba"]),
    ("mx", -6, "America/Mexico_City", "es-MX", ["Mexico City", "Guadalajara"]),
    ("in", 5.5, "Asia/Kolkata", "en-IN", ["Bengaluru", "Pune", "Hyderabad"]),
    ("pk", 5, "Asia/Karachi", "en-PK", ["Lahore", "Karachi"]),
    ("ph", 8, "Asia/Manila", "en-PH", ["Manila", "Cebu"]),
    ("vn", 7, "Asia/Ho_Chi_Minh", "vi-VN", ["Hanoi", "Ho Chi Minh City"]),
    ("cn", 8, "Asia/Shanghai", "zh-CN", ["Shanghai", "Shenzhen", "Beijing", "Shenyang"]),
    ("jp", 9, "Asia/Tokyo", "ja-JP", ["Tokyo", "Osaka"]),
    ("kr", 9, "Asia/Seoul", "ko-KR", ["Seoul", "Busan"]),
    ("au", 11, "Australia/Sydney", "en-AU", ["Sydney", "Melbourne"]),
    ("ng", 1, "Africa/Lagos", "en-NG", ["Lagos", "Abuja"]),
    ("ke", 3, "Africa/Nairobi", "en-KE", ["Nairobi"]),
    ("eg", 2, "Africa/Cairo", "ar-EG", ["Cairo"]),
]
WESTERN = [i for i, c in enumerate(COUNTRIES) if c[0] in {"us", "ca", "gb", "de", "fr", "pl", "ua", "ro"}]
ASIAN_COVER = [i for i, c in enumerate(COUNTRIES) if c[0] in {"jp", "ph", "vn"}]
FIRST = ["James", "Mary", "John", "Linda", "David", "Sarah", "Michael", "Anna", "Peter", "Olga", "Marco", "Lucia",
         "Ravi", "Priya", "Chen", "Mei", "Kenji", "Yuki", "Ji-ho", "Min-seo", "Ahmed", "Fatima", "Tomasz", "Ewa",
         "Carlos", "Ana", "Ivan", "Oksana", "Daniel", "Grace", "Samuel", "Joy", "Liam", "Emma", "Noah", "Sofia"]
LAST = ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Taylor", "Kowalski", "Nowak",
        "Schmidt", "Muller", "Dubois", "Rossi", "Sharma", "Patel", "Wang", "Li", "Tanaka", "Sato", "Kim", "Park",
        "Hassan", "Ali", "Santos", "Silva", "Petrenko", "Shevchenko", "Okafor", "Mwangi", "Nguyen", "Reyes"]
CN_HOLDERS = ["Zhang Wei", "Wang Fang", "Li Na", "Liu Yang", "Chen Jie", "Zhao Lei", "Sun Hui", "Jin Chunhua",
              "Piao Minghua", "Cui Yongjun"]
NEXUS = [("Shenyang", "hub"), ("Dandong", "border"), ("Yanji", "hub"), ("Pyongyang", "dprk")]
RESHIP = ["Room 1203, Binjiang Middle Road, Zhenxing District, Dandong, Liaoning, CN",
          "No. 18 Huanghe Street, Huanggu District, Shenyang, Liaoning, CN",
          "Unit 5, Yanji Road, Yanji, Jilin, CN",
          "Hunchun Border Trade Zone, Hunchun, Jilin, CN"]
STREETS = ["Elm St", "Oak Ave", "Maple Rd", "Cedar Ln", "Pine St", "Main St", "High St", "Park Ave", "Lake Dr"]
REMOTE_TOOLS = ["AnyDesk", "TeamViewer", "Chrome Remote Desktop", "RDP"]
VPN_EXITS = 400  # shared commercial VPN exit IPs
VPN_COUNTRIES = ["us", "nl", "de", "gb", "sg", "jp", "ca", "se", "ch", "fr"]


@dataclass
class Account:
    id: str
    label: int
    archetype: str
    op: int | None
    home: int  # index in COUNTRIES (claimed)
    actual_offset: float  # where the person really works from (hours)
    profile: dict[str, Any]
    ips: list[tuple[str, str, int]] = field(default_factory=list)  # (ip, country, vpn)
    devices: list[str] = field(default_factory=list)
    vpn_share: float = 0.0
    korean_share: float = 0.0
    remote_tool: str | None = None
    long_sessions: float = 0.0
    locale: str = "en-US"
    work_hours: tuple[int, int] = (9, 18)
    trip: tuple[int, int, int] | None = None  # (start ts, end ts, index into ips of trip IP)
    leak_ips: list[tuple[str, str]] = field(default_factory=list)  # non-VPN leaks (ip, country)
    leak_share: float = 0.0
    payout: tuple[str, str, str, str] | None = None  # account, country, method, holder
    activity: float = 1.0
    nexus_city: str | None = None


class _Ids:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.n = 0

    def ip(self, first: int | None = None) -> str:
        r = self.rng
        a = first if first is not None else int(r.choice([23, 45, 67, 73, 81, 92, 98, 104, 109, 151, 178, 188, 201]))
        return f"{a}.{int(r.integers(0, 256))}.{int(r.integers(0, 256))}.{int(r.integers(1, 255))}"

    def hexid(self, n: int = 16) -> str:
        return "".join(self.rng.choice(list("0123456789abcdef"), n))


def _name(rng: np.random.Generator) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _email(rng: np.random.Generator, name: str) -> str:
    first, last = name.lower().replace("-", "").split(" ", 1)
    style = rng.integers(0, 3)
    domain = rng.choice(["gmail.com", "outlook.com", "proton.me", "yahoo.com", "mail.com"])
    if style == 0:
        return f"{first}.{last}@{domain}"
    if style == 1:
        return f"{first[0]}{last}{int(rng.integers(1, 99))}@{domain}"
    return f"{last}.{first}{int(rng.integers(1970, 2005))}@{domain}"


def street_line(rng: np.random.Generator) -> str:
    """House number, street and apartment: real addresses rarely collide between strangers."""
    return f"{int(rng.integers(1, 2000))} {rng.choice(STREETS)} Apt {int(rng.integers(1, 400))}"


def _date(rng: np.random.Generator, min_days: int, max_days: int, as_of: int = START) -> str:
    days = int(rng.integers(min_days, max_days))
    return str(np.datetime64(as_of, "s").astype("datetime64[D]") - np.timedelta64(days, "D"))


def generate_population(n_genuine: int = 5000, n_ops: int = 60, seed: int = 7) -> list[Account]:
    rng = np.random.default_rng(seed)
    ids = _Ids(rng)
    accounts: list[Account] = []
    vpn_pool = [(ids.ip(), str(rng.choice(VPN_COUNTRIES))) for _ in range(VPN_EXITS)]
    # offices and carrier NATs are local: one pool per claimed country (and city for offices)
    cowork_ips: dict[tuple[int, int], str] = {}
    cgnat: dict[int, list[str]] = {}

    used_emails: set[str] = set()

    def unique_email(name: str) -> str:
        # a mailbox belongs to one person: providers do not hand out the same address twice
        email = _email(rng, name)
        while email in used_emails:
            local, domain = email.split("@")
            email = f"{local}{int(rng.integers(0, 10))}@{domain}"
        used_emails.add(email)
        return email

    def unique_email_raw(email: str) -> str:
        while email in used_emails:
            local, domain = email.split("@")
            email = f"{local}{int(rng.integers(0, 10))}@{domain}"
        used_emails.add(email)
        return email

    def base_profile(aid: str, home: int, name: str) -> dict[str, Any]:
        country, _, tz, locale, cities = COUNTRIES[home]
        city = str(rng.choice(cities))
        return {
            "id": aid, "name": name, "role": "developer", "country": country.upper(), "city": city, "timezone": tz,
            "languages": [locale.split("-")[0]] + (["en"] if not locale.startswith("en") else []),
            "email": unique_email(name), "phone": f"+{int(rng.integers(10**9, 10**10))}",
            "photo_hash": ids.hexid(), "documents": [{"type": "passport", "number": ids.hexid(9).upper(),
                                                      "country": country.upper(), "issued": _date(rng, 300, 3000)}],
            "shipping": [], "linked_accounts": [{"site": "github", "handle": name.lower().replace(" ", "-"),
                                                 "name": name}],
        }

    # ------------------------------------------------------------------ genuine contractors
    archetypes = ["regular"] * 54 + ["traveller"] * 10 + ["vpn"] * 14 + ["coworking"] * 6 + ["mobile"] * 6 + \
                 ["diaspora"] * 3 + ["night"] * 2 + ["household"] * 5
    g = 0
    while g < n_genuine:
        arche = str(rng.choice(archetypes))
        home = int(rng.integers(0, len(COUNTRIES)))
        if arche == "diaspora":
            home = int(rng.choice([i for i, c in enumerate(COUNTRIES) if c[0] in {"us", "ca", "au"}]))
        members = 2 if arche == "household" else 1
        shared_ip = ids.ip()
        shared_addr = None
        joint = f"acct-{ids.hexid(12)}" if rng.random() < 0.3 else None
        for _ in range(members):
            aid = f"g{g:06d}"
            g += 1
            name = _name(rng)
            country, offset, tz, locale, cities = COUNTRIES[home]
            prof = base_profile(aid, home, name)
            acc = Account(aid, 0, arche, None, home, offset, prof, locale=locale)
            acc.activity = float(rng.lognormal(0, 0.5))
            for _ in range(int(rng.integers(1, 4))):
                acc.ips.append((ids.ip(), country, 0))
            acc.devices = [f"dev-{ids.hexid(10)}" for _ in range(int(rng.integers(1, 3)))]
            start = int(rng.integers(7, 11))
            acc.work_hours = (start, start + int(rng.integers(8, 11)))
            method = rng.random()
            if method < 0.78:
                pay = ("bank", f"acct-{ids.hexid(12)}", country.upper())
            elif method < 0.95:
                pay = ("paypal", f"pp-{ids.hexid(12)}", country.upper())
            else:
                pay = ("crypto", f"0x{ids.hexid(40)}", "")
            prof["payment_accounts"] = [{"type": pay[0], "provider": "Bank" if pay[0] == "bank" else pay[0],
                                         "country": pay[2], "account": pay[1], "holder": name}]
            if rng.random() < 0.3:
                prof["company"] = f"{name.split()[1]} Software"
                prof["company_registered"] = _date(rng, 100, 4000)
                prof["website"] = f"{name.split()[1].lower()}-soft.com"
                prof["domain_registered"] = _date(rng, 60, 4000)
            wants_shipping = rng.random() < 0.5
            if rng.random() < 0.05:
                acc.remote_tool = str(rng.choice(REMOTE_TOOLS))
            if rng.random() < 0.01:
                acc.long_sessions = 0.02
            acc.payout = (pay[1], pay[2].lower() if pay[2] else "", pay[0], name)
            if arche == "traveller":
                other = int(rng.integers(0, len(COUNTRIES)))
                if COUNTRIES[other][0] != country:
                    day = int(rng.integers(5, DAYS - 15))
                    length = int(rng.integers(4, 12))
                    acc.ips.append((ids.ip(), COUNTRIES[other][0], 0))
                    acc.trip = (START + day * 86400, START + (day + length) * 86400, len(acc.ips) - 1)
            elif arche == "vpn":
                acc.vpn_share = float(rng.uniform(0.6, 0.95))
            elif arche == "coworking":
                k = int(rng.integers(0, len(cities)))
                prof["city"] = cities[k]
                office = cowork_ips.setdefault((home, k), ids.ip())
                acc.ips.append((office, country, 0))
            elif arche == "mobile":
                # carrier NAT: each session gets an address from the carrier's pool
                pool = cgnat.setdefault(home, [ids.ip(100) for _ in range(64)])
                acc.ips = [(ip, country, 0) for ip in pool] + acc.ips[:1]
            elif arche == "diaspora":
                acc.korean_share = float(rng.uniform(0.2, 0.8))
                prof["languages"] = ["en", "ko"]
            elif arche == "night":
                start = int(rng.integers(18, 22))
                acc.work_hours = (start, start + 9)
            elif arche == "household":
                acc.ips.append((shared_ip, country, 0))
                if shared_addr is not None:
                    prof["city"] = shared_addr.split(", ")[-2]  # they live together
                if shared_addr is None:
                    shared_addr = f"{street_line(rng)}, {prof['city']}, {country.upper()}"
                prof["shipping"] = [shared_addr]
                if joint:
                    prof["payment_accounts"][0]["account"] = joint
                    acc.payout = (joint, country, "bank", name)
            if wants_shipping and not prof["shipping"]:
                street = f"{street_line(rng)}"
                city = prof["city"] if rng.random() < 0.93 else str(rng.choice(cities))
                prof["shipping"] = [f"{street}, {city}, {country.upper()}"]
            accounts.append(acc)

    # ------------------------------------------------------------------ DPRK operations
    for op in range(n_ops):
        size = int(rng.choice([1, 1, 2, 3, 3, 4, 5, 6, 8]))
        base_city, _ = NEXUS[int(rng.integers(0, len(NEXUS)))]
        farm_country = int(rng.choice([i for i, c in enumerate(COUNTRIES) if c[0] == "us"]))
        farm_ip = ids.ip()
        farm_addr = f"{street_line(rng)}, {rng.choice(COUNTRIES[farm_country][4])}, US"
        reship = str(rng.choice(RESHIP)) if rng.random() < 0.35 else None
        op_pay = [(f"acct-{ids.hexid(12)}", "cn" if rng.random() < 0.45 else "us") for _ in range(2)]
        op_holder = str(rng.choice(CN_HOLDERS)) if rng.random() < 0.6 else _name(rng)
        op_devices = [f"dev-{ids.hexid(10)}" for _ in range(max(1, size // 2))]
        stem = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), 7))
        op_photo = ids.hexid()
        op_doc = ids.hexid(9).upper()
        op_phone = f"+{int(rng.integers(10**9, 10**10))}"
        uses_farm = rng.random() < 0.45
        front = rng.random() < 0.5
        front_name = f"{rng.choice(['Nova', 'Apex', 'Blue Sky', 'Bright', 'Silver Star', 'Peak'])} " \
                     f"{rng.choice(['Tech', 'IT Solutions', 'Digital', 'Software'])} LLC"
        for k in range(size):
            aid = f"k{op:03d}{k:02d}{ids.hexid(4)}"
            home = int(rng.choice(WESTERN)) if rng.random() < 0.85 else int(rng.choice(ASIAN_COVER))
            name = _name(rng)
            prof = base_profile(aid, home, name)
            country = COUNTRIES[home][0]
            acc = Account(aid, 1, "dprk", op, home, 9.0, prof, locale=COUNTRIES[home][3])
            acc.activity = float(rng.lognormal(0.2, 0.4))
            start = int(rng.integers(8, 11))
            acc.work_hours = (start, start + int(rng.integers(8, 12)))
            acc.nexus_city = base_city
            if uses_farm and rng.random() < 0.8:
                acc.ips = [(farm_ip, "us", 0)]
                acc.remote_tool = str(rng.choice(REMOTE_TOOLS)) if rng.random() < 0.8 else None
                acc.long_sessions = 0.1 if rng.random() < 0.5 else 0.0
                acc.vpn_share = 0.0 if rng.random() < 0.6 else float(rng.uniform(0.2, 0.5))
            else:
                acc.ips = [(ids.ip(), country, 0)]
                acc.vpn_share = float(rng.uniform(0.7, 1.0))
            if rng.random() < 0.2:
                acc.leak_ips = [(ids.ip(), "cn")]
                acc.leak_share = float(rng.uniform(0.02, 0.1))
            if rng.random() < 0.03:
                acc.leak_ips.append((f"175.45.{int(rng.integers(176, 180))}.{int(rng.integers(1, 255))}", "kp"))
                acc.leak_share = max(acc.leak_share, 0.02)
            acc.devices = [str(rng.choice(op_devices))] if rng.random() < 0.5 else [f"dev-{ids.hexid(10)}"]
            if rng.random() < 0.3:
                acc.korean_share = float(rng.uniform(0.1, 0.5))
            r = rng.random()
            if r < 0.55:
                pacc, pcountry = op_pay[int(rng.integers(0, 2))]
                holder = op_holder if rng.random() < 0.6 else name
                prof["payment_accounts"] = [{"type": "bank", "provider": "Bank of China" if pcountry == "cn" else "Bank",
                                             "country": pcountry.upper(), "account": pacc, "holder": holder}]
            elif r < 0.7:
                pacc, pcountry, holder = f"0x{ids.hexid(40)}", "", name
                prof["payment_accounts"] = [{"type": "crypto", "provider": "USDT", "country": "", "account": pacc,
                                             "holder": None}]
            else:
                pacc, pcountry, holder = f"pp-{ids.hexid(12)}", country, name
                prof["payment_accounts"] = [{"type": "paypal", "provider": "paypal", "country": country.upper(),
                                             "account": pacc, "holder": name}]
            acc.payout = (pacc, pcountry, prof["payment_accounts"][0]["type"], holder or "")
            if rng.random() < 0.15:
                prof["documents"][0]["number"] = op_doc
            if rng.random() < 0.2:
                prof["photo_hash"] = op_photo
            if rng.random() < 0.12:
                prof["phone"] = op_phone
            if rng.random() < 0.3:
                prof["email"] = unique_email_raw(f"{stem}{int(rng.integers(1, 99))}@gmail.com")
            if uses_farm and rng.random() < 0.7:
                prof["shipping"] = [farm_addr] + ([reship] if reship and rng.random() < 0.7 else [])
            elif rng.random() < 0.5:
                prof["shipping"] = [f"{street_line(rng)}, {prof['city']}, {country.upper()}"]
            if front and rng.random() < 0.8:
                prof["company"] = front_name
                prof["company_registered"] = _date(rng, 60, 900)
                prof["website"] = front_name.split()[0].lower() + "-it.com"
                prof["domain_registered"] = _date(rng, 30, 330)
            if rng.random() < 0.25:
                prof["linked_accounts"] = [{"site": "github", "handle": f"{stem}{k}", "name": _name(rng)}]
            accounts.append(acc)
        # a client account of the operation that pays into its own developer accounts (PAY-02)
        if size >= 3 and rng.random() < 0.3:
            aid = f"kc{op:03d}{ids.hexid(4)}"
            prof = base_profile(aid, int(rng.choice(WESTERN)), _name(rng))
            prof["role"] = "client"
            pacc, pcountry = op_pay[0]
            prof["payment_accounts"] = [{"type": "paypal", "provider": "paypal", "country": pcountry.upper(),
                                         "account": pacc, "holder": op_holder}]
            acc = Account(aid, 1, "dprk-client", op, 0, 9.0, prof)
            acc.ips = [(ids.ip(), COUNTRIES[0][0], 0)]
            acc.vpn_share = 0.9
            acc.devices = [str(rng.choice(op_devices))]
            acc.activity = 0.3
            accounts.append(acc)
    # VPN exits are global; keep them on the accounts for event generation
    for acc in accounts:
        acc.profile.setdefault("payment_accounts", [])
    generate_population.vpn_pool = vpn_pool  # type: ignore[attr-defined]
    return accounts


def write_population(accounts: list[Account], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "profiles.jsonl").open("w", encoding="utf-8") as handle:
        for acc in accounts:
            handle.write(json.dumps(acc.profile, ensure_ascii=False) + "\n")
    truth = {acc.id: {"label": acc.label, "archetype": acc.archetype, "op": acc.op} for acc in accounts}
    (folder / "truth.json").write_text(json.dumps(truth), encoding="utf-8")


class EventSource:
    """Vectorised event generation for a population (chunks of Arrow tables)."""

    def __init__(self, accounts: list[Account], seed: int, vpn_pool: list[tuple[str, str]]):
        self.rng = np.random.default_rng(seed + 1_000_003)
        self.accounts = accounts
        n = len(accounts)
        weights = np.array([a.activity for a in accounts])
        self.p = weights / weights.sum()
        self.ids = np.array([a.id for a in accounts], dtype=object)
        self.offset = np.array([a.actual_offset for a in accounts])
        self.start = np.array([a.work_hours[0] for a in accounts])
        self.span = np.array([a.work_hours[1] - a.work_hours[0] for a in accounts])
        self.vpn_share = np.array([a.vpn_share for a in accounts])
        self.korean = np.array([a.korean_share for a in accounts])
        self.long = np.array([a.long_sessions for a in accounts])
        self.leak = np.array([a.leak_share for a in accounts])
        # IP pools (flattened)
        ip_strings: list[str] = []
        ip_country: list[str] = []
        starts, counts = np.zeros(n, np.int64), np.zeros(n, np.int64)
        for i, a in enumerate(accounts):
            home_ips = [x for j, x in enumerate(a.ips) if a.trip is None or j != a.trip[2]]
            starts[i] = len(ip_strings)
            counts[i] = len(home_ips)
            for ip, c, _ in home_ips:
                ip_strings.append(ip)
                ip_country.append(c)
        self.trip_ip = np.full(n, -1, np.int64)
        self.trip_start = np.zeros(n, np.int64)
        self.trip_end = np.zeros(n, np.int64)
        self.trip_offset = np.zeros(n)
        for i, a in enumerate(accounts):
            if a.trip:
                ip, c, _ = a.ips[a.trip[2]]
                self.trip_ip[i] = len(ip_strings)
                ip_strings.append(ip)
                ip_country.append(c)
                self.trip_start[i], self.trip_end[i] = a.trip[0], a.trip[1]
                self.trip_offset[i] = next((x[1] for x in COUNTRIES if x[0] == c), 0)
        self.leak_ip = np.full(n, -1, np.int64)
        for i, a in enumerate(accounts):
            if a.leak_ips:
                self.leak_ip[i] = len(ip_strings)
                for ip, c in a.leak_ips:
                    ip_strings.append(ip)
                    ip_country.append(c)
        self.leak_count = np.array([len(a.leak_ips) for a in accounts])
        self.vpn_base = len(ip_strings)
        for ip, c in vpn_pool:
            ip_strings.append(ip)
            ip_country.append(c)
        self.ip_strings = pa.array(ip_strings)
        self.ip_country = pa.array([c.upper() for c in ip_country])
        self.ip_start, self.ip_count = starts, counts
        # devices, locales, tools, cities
        dev_strings, dstart, dcount = [], np.zeros(n, np.int64), np.zeros(n, np.int64)
        for i, a in enumerate(accounts):
            dstart[i], dcount[i] = len(dev_strings), len(a.devices)
            dev_strings.extend(a.devices)
        self.dev_strings, self.dev_start, self.dev_count = pa.array(dev_strings), dstart, dcount
        self.locale = pa.array([a.locale for a in accounts])
        tools = sorted({a.remote_tool for a in accounts if a.remote_tool})
        self.tool_strings = pa.array(tools + [None])
        self.tool = np.array([tools.index(a.remote_tool) if a.remote_tool else len(tools) for a in accounts])
        self.city = pa.array([a.profile.get("city") or None for a in accounts], pa.string())
        self.nexus_city = pa.array([a.nexus_city if a.label == 1 else None for a in accounts], pa.string())
        self.id_arr = pa.array([a.id for a in accounts], pa.string())
        self.payout_acct = pa.array([a.payout[0] if a.payout else None for a in accounts])
        self.payout_country = pa.array([(a.payout[1] or "").upper() or None if a.payout else None for a in accounts])
        self.payout_method = pa.array([a.payout[2] if a.payout else None for a in accounts])
        self.payout_holder = pa.array([a.payout[3] if a.payout else None for a in accounts])

    def chunk(self, size: int) -> pa.Table:
        r = self.rng
        acct = r.choice(len(self.accounts), size=size, p=self.p)
        day = r.integers(0, DAYS, size)
        # local working hour, mostly inside the account's hours, 12 % anywhere
        local = self.start[acct] + r.random(size) * self.span[acct]
        anywhere = r.random(size) < 0.12
        local = np.where(anywhere, r.random(size) * 24, local)
        offset = self.offset[acct].copy()
        ts0 = START + day * 86400
        on_trip = (self.trip_ip[acct] >= 0) & (ts0 >= self.trip_start[acct]) & (ts0 < self.trip_end[acct])
        offset = np.where(on_trip, self.trip_offset[acct], offset)
        ts = (ts0 + ((local - offset) * 3600)).astype(np.int64) + r.integers(0, 3600, size)
        # travel gap: no logins within 10 hours of leaving or coming home
        gap = (self.trip_ip[acct] >= 0) & (
            (np.abs(ts - self.trip_start[acct]) < 36000) | (np.abs(ts - self.trip_end[acct]) < 36000))
        vpn = r.random(size) < self.vpn_share[acct]
        ip = self.ip_start[acct] + (r.random(size) * self.ip_count[acct]).astype(np.int64)
        ip = np.where(on_trip, self.trip_ip[acct], ip)
        leak = (self.leak_ip[acct] >= 0) & (r.random(size) < self.leak[acct])
        ip = np.where(leak, self.leak_ip[acct] + (r.random(size) * np.maximum(self.leak_count[acct], 1)).astype(np.int64), ip)
        vpn &= ~leak
        ip = np.where(vpn, self.vpn_base + r.integers(0, VPN_EXITS, size), ip)
        keep = ~gap
        acct, ts, ip, vpn = acct[keep], ts[keep], ip[keep], vpn[keep]
        m = len(acct)
        dev = self.dev_start[acct] + (r.random(m) * self.dev_count[acct]).astype(np.int64)
        korean = r.random(m) < self.korean[acct]
        tool = np.where(r.random(m) < 0.3, self.tool[acct], len(self.tool_strings) - 1)
        session = r.gamma(2.0, 1800.0, m)
        long = r.random(m) < self.long[acct]
        session = np.where(long, r.uniform(86400, 172800, m), session).round()
        payout = r.random(m) < 0.004
        locale = pc.if_else(pa.array(korean), pa.scalar("ko-KR"), self.locale.take(pa.array(acct)))
        ts_arr = pa.array(ts, pa.int64()).cast(pa.timestamp("s", tz="UTC"))
        ip_arr = pa.array(ip)
        acct_arr = pa.array(acct)
        leak_k, trip_k = leak[keep], on_trip[keep]
        cities = pc.if_else(pa.array(leak_k), self.nexus_city.take(acct_arr), self.city.take(acct_arr))
        cities = pc.if_else(pa.array(trip_k & ~leak_k), pa.scalar(None, pa.string()), cities)
        null_str = pa.scalar(None, pa.string())
        pmask = pa.array(payout)
        return pa.table({
            "account_id": self.id_arr.take(acct_arr),
            "timestamp": pc.strftime(ts_arr, format="%Y-%m-%dT%H:%M:%SZ"),
            "ip": self.ip_strings.take(ip_arr),
            "country": self.ip_country.take(ip_arr),
            "city": pc.if_else(pa.array(vpn), null_str, cities),
            "vpn": pa.array(vpn),
            "device_id": self.dev_strings.take(pa.array(dev)),
            "locale": locale,
            "remote_access": self.tool_strings.take(pa.array(tool)),
            "session_seconds": pa.array(session, pa.float64()),
            "payout_amount": pc.if_else(pmask, pa.array(r.uniform(200, 3000, m).round(2)), pa.scalar(None, pa.float64())),
            "payout_account": pc.if_else(pmask, self.payout_acct.take(acct_arr), null_str),
            "payout_country": pc.if_else(pmask, self.payout_country.take(acct_arr), null_str),
            "payout_method": pc.if_else(pmask, self.payout_method.take(acct_arr), null_str),
            "payout_holder": pc.if_else(pmask, self.payout_holder.take(acct_arr), null_str),
        })


def write_events(accounts: list[Account], path: Path, n_events: int, seed: int, chunk: int = 500_000) -> int:
    """Stream ``n_events`` events (about; travel gaps drop a few) to CSV, Parquet or JSON lines."""
    source = EventSource(accounts, seed, generate_population.vpn_pool)  # type: ignore[attr-defined]
    suffix = path.suffix.lower()
    written = 0
    writer: Any = None
    try:
        while written < n_events:
            table = source.chunk(min(chunk, n_events - written))
            if suffix == ".parquet":
                import pyarrow.parquet as pq

                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema, compression="snappy")
                writer.write_table(table)
            elif suffix in {".jsonl", ".ndjson"}:
                if writer is None:
                    writer = path.open("w", encoding="utf-8")
                for row in table.to_pylist():
                    writer.write(json.dumps(row) + "\n")
            else:
                import pyarrow.csv as pacsv

                if writer is None:
                    writer = pacsv.CSVWriter(path, table.schema,
                                             write_options=pacsv.WriteOptions(quoting_style="needed"))
                writer.write_table(table)
            written += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate a synthetic contractor population and event stream.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--genuine", type=int, default=5000)
    parser.add_argument("--ops", type=int, default=60)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "parquet", "jsonl"], default="csv")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    accounts = generate_population(args.genuine, args.ops, args.seed)
    write_population(accounts, args.folder)
    n = write_events(accounts, args.folder / f"events.{args.format}", args.events, args.seed)
    print(f"{len(accounts)} accounts ({sum(a.label for a in accounts)} planted), {n} events -> {args.folder}")


if __name__ == "__main__":
    main()
