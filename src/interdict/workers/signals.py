"""The signals: each one a rule of ``rules/workers.yml`` turned into :class:`~interdict.model.Reason`\\ s.

``Signals.for_account(i)`` returns the reasons of one account from its profile, its event
aggregates and the attributes it shares with other accounts. Weights, thresholds and citations
come from the rule pack, so an analyst can read (and a team can tune) every number in one file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import numpy as np
from rapidfuzz import fuzz

from interdict.model import Reason
from interdict.rules import Rule
from interdict.workers.events import EventAggregates
from interdict.workers.profiles import Profile, parse_utc_offset

__all__ = ["Signals", "ScreenerLike", "PlaceLookup", "name_similarity", "normalise_mailbox", "email_pattern"]

PlaceLookup = Callable[[str], "str | None"]  # text -> "dprk", "border", "hub" or None

_IT_WORDS = ("it ", "software", "tech", "develop", "digital", "web", "computer", "program", "app", "data", "cloud",
             "consult", "solution", "network", "cyber", "ai ")
_GMAIL = {"gmail.com", "googlemail.com"}
_ALLOWED_SCHEMAS = {
    "Person": {"Person", "LegalEntity"},
    "Organization": {"Organization", "Company", "LegalEntity", "PublicBody"},
    "LegalEntity": {"Person", "Organization", "Company", "LegalEntity", "PublicBody"},
}


class ScreenerLike(Protocol):
    def screen(self, query: Any, *, schema: str | None = None, countries: Any = None, **kwargs: Any) -> Any: ...


def _fold(text: str) -> str:
    try:
        from normality import ascii_text

        folded = ascii_text(text) or text
    except Exception:  # noqa: BLE001 - transliteration is best effort
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9 ]+", " ", folded.lower()).strip()


def name_similarity(a: str | None, b: str | None) -> float | None:
    """0-100 similarity of two personal names, word order and transliteration ignored."""
    if not a or not b:
        return None
    fa, fb = _fold(a), _fold(b)
    if not fa or not fb:
        return None
    return float(max(fuzz.token_set_ratio(fa, fb), fuzz.token_sort_ratio(fa.replace(" ", ""), fb.replace(" ", ""))))


def normalise_mailbox(email: str | None) -> str | None:
    """One key per mailbox: lower case, ``+tag`` removed, dots ignored for Gmail."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _GMAIL:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}" if local else None


def email_pattern(email: str | None, min_stem: int = 6, name: str | None = None) -> str | None:
    """The local part with digits and separators removed (``devmaster#@gmail.com``), or None.

    None when the stem is short, has no digits to vary, or is built from the holder's own name
    (``jsmith12`` is how people name mailboxes, not a pattern shared by an operation).
    """
    box = normalise_mailbox(email)
    if not box:
        return None
    local, _, domain = box.rpartition("@")
    stem = re.sub(r"[\d._\-]+", "", local)
    if len(stem) < min_stem or stem == local.replace(".", "").replace("_", "").replace("-", ""):
        return None  # no digits to vary: the mailbox key already covers it
    if name:
        tokens = [t for t in _fold(name).split() if len(t) >= 3]
        if any(t in stem for t in tokens):
            return None
    return f"{stem}#@{domain}"


_LEGAL_WORDS = {"llc", "ltd", "limited", "inc", "co", "corp", "corporation", "company", "gmbh", "sa", "srl",
                "sp", "zoo", "oy", "ab", "bv", "jsc", "ooo", "plc", "the", "pte", "pty", "kk"}


def company_key(name: str | None) -> str | None:
    """Folded company name without legal-form words (``Apex Digital Solutions, LLC`` -> ``apex digital solutions``)."""
    if not name:
        return None
    tokens = [t for t in _fold(name.replace(".", "")).split() if t not in _LEGAL_WORDS]
    return " ".join(tokens) or None


def _hit_note(hit: dict[str, Any]) -> str:
    where = "DPRK programme" if hit.get("dprk") else "not a DPRK programme; name-only match, check for a homonym"
    matched = f", listed name {hit['matched_name']!r}" if hit.get("matched_name") else ""
    return f" [{where}{matched}, score {hit['score']:.2f}]"


def _address_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", _fold(text)).strip()


@dataclass
class Signals:
    rules: dict[str, Rule]
    profiles: list[Profile]
    agg: EventAggregates | None = None
    screener: ScreenerLike | None = None
    places: PlaceLookup | None = None
    as_of: date = field(default_factory=date.today)
    screen_cache: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    place_cache: dict[str, str | None] = field(default_factory=dict)
    screen_failures: int = 0
    network: Any = None  # an interdict.network NetworkAnalysis (alerts + graph.entities)

    def __post_init__(self) -> None:
        self.shared = self._shared_attributes()
        self.place_kinds = [self._profile_places(p) for p in self.profiles]
        self.network_index = self._network_index()

    def _network_index(self) -> dict[str, Any]:
        """Company-name key -> network alert, for entities the network analysis flagged."""
        index: dict[str, Any] = {}
        if self.network is None:
            return index
        entities = getattr(getattr(self.network, "graph", None), "entities", {}) or {}
        for alert in getattr(self.network, "alerts", []) or []:
            if getattr(alert.level, "value", alert.level) == "clear" or not alert.reasons:
                continue
            names = {alert.caption} if alert.caption else set()
            proxy = entities.get(alert.subject)
            if proxy is not None:
                names.update(proxy.get("name"))
            for name in names:
                key = company_key(name)
                if key and (key not in index or alert.score > index[key].score):
                    index[key] = alert
        return index

    # ------------------------------------------------------------------ helpers
    def reason(self, rule_id: str, summary: str, evidence: dict[str, Any], score: float | None = None) -> Reason:
        rule = self.rules[rule_id]
        value = rule.weight if score is None else max(0.0, min(1.0, score))
        return Reason(rule_id=rule.id, summary=summary, score=round(value, 4), evidence=evidence, citation=rule.citation)

    def p(self, rule_id: str, key: str, default: Any) -> Any:
        return self.rules[rule_id].params.get(key, default)

    def place(self, text: str | None) -> str | None:
        if not text or self.places is None:
            return None
        if text not in self.place_cache:
            self.place_cache[text] = self.places(text)
        return self.place_cache[text]

    def _profile_places(self, profile: Profile) -> list[tuple[str, str]]:
        """(kind, address) of shipping addresses in DPRK-nexus places, except the claimed home city."""
        out = []
        home = _fold(profile.city or "")
        for address in profile.shipping:
            kind = self.place(address.text)
            if not kind:
                continue
            if profile.country == "cn" and home and address.country in (None, "cn") and home in _fold(address.text):
                continue  # a contractor who says they live in Shenyang ships to Shenyang: TP-12 covers it
            out.append((kind, address.text))
        return out

    def ids(self, members: Any, exclude: int | None = None) -> list[str]:
        return [self.profiles[m].id for m in sorted(members) if m != exclude]

    # ------------------------------------------------------------------ shared attributes
    def _shared_attributes(self) -> dict[str, dict[str, set[int]]]:
        shared: dict[str, dict[str, set[int]]] = {k: {} for k in
                                                   ("device", "payment", "document", "photo", "phone", "email",
                                                    "email_pattern", "address", "ip")}
        min_stem = self.p("IDN-01.email", "min_stem_length", 6)

        def add(kind: str, value: str | None, i: int) -> None:
            if value:
                shared[kind].setdefault(value, set()).add(i)

        for i, profile in enumerate(self.profiles):
            for pay in profile.payment_accounts:
                add("payment", pay.key(), i)
            for doc in profile.documents:
                add("document", doc.key(), i)
            add("photo", profile.photo_hash, i)
            add("phone", profile.phone if profile.phone and len(profile.phone) >= 6 else None, i)
            add("email", normalise_mailbox(profile.email), i)
            add("email_pattern", email_pattern(profile.email, min_stem, profile.name), i)
            for address in profile.shipping:
                key = _address_key(address.text)
                add("address", key if len(key) >= 8 else None, i)
        agg = self.agg
        if agg is not None:
            for table, kind in ((agg.device_table, "device"), (agg.payout_table, "payment")):
                for code, members in enumerate(table.accounts):
                    if members is not None and len(members) >= (1 if kind == "payment" else 2):
                        value = table.values[code]
                        # payout accounts in events use the same keys as profile payment accounts
                        shared[kind].setdefault(value, set()).update(members)
            for code, members in enumerate(agg.ip_table.accounts):
                if members is not None and len(members) >= 2 and not agg.ip_vpn[code]:
                    shared["ip"][agg.ip_table.values[code]] = set(members)
        return shared

    def _payment_keys(self, i: int) -> list[str]:
        return [k for k in (p.key() for p in self.profiles[i].payment_accounts) if k]

    def sharing(self, kind: str, i: int, value: str | None) -> list[int]:
        if not value:
            return []
        members = self.shared[kind].get(value)
        if not members or i not in members:
            return []
        return [m for m in members if m != i]

    # ------------------------------------------------------------------ screening
    def screen_name(self, name: str | None, schema: str, countries: list[str]) -> list[dict[str, Any]]:
        """Matches of one name (cached by folded name and schema), restricted to parties of a kind the
        name can be: a person name is not a vessel, a company name is not a person."""
        if not name or self.screener is None:
            return []
        key = (_fold(name), schema)
        allowed = _ALLOWED_SCHEMAS.get(schema)
        if key not in self.screen_cache:
            try:
                result = self.screener.screen(name, schema=schema, countries=countries or None)
            except Exception as exc:  # noqa: BLE001 - one failed query must not stop the batch
                self.screen_failures += 1
                note = f"party screening failed ({type(exc).__name__}: {exc})"
                if note not in self.notes:
                    self.notes.append(note)
                if self.screen_failures >= 3:
                    self.notes.append("party screening stopped after 3 failures; names were not screened")
                    self.screener = None
                self.screen_cache[key] = []
                return []
            hits = []
            for match in getattr(result, "results", []) or []:
                if not getattr(match, "match", False):
                    continue
                hit_schema = getattr(match, "schema", None)
                if allowed and hit_schema and hit_schema not in allowed:
                    continue
                programs = list(getattr(match, "programs", []) or [])
                dprk = bool(getattr(match, "dprk", False)) or any("DPRK" in str(p).upper() or "KOREA" in str(p).upper()
                                                                  for p in programs)
                hits.append({
                    "id": getattr(match, "id", None),
                    "caption": getattr(match, "caption", None),
                    "score": round(float(getattr(match, "score", 0.0)), 4),
                    "source": getattr(match, "source", None),
                    "schema": hit_schema,
                    "matched_name": getattr(match, "matched_name", None),
                    "programs": programs,
                    "dprk": dprk,
                })
            self.screen_cache[key] = hits
        return self.screen_cache[key]

    def _hit_score(self, rule_id: str, hit: dict[str, Any]) -> float:
        """A list match on a name alone: at most ``name_only_cap`` (review, never a block on its own:
        common names meet homonyms on the lists), and half that for parties not on a DPRK programme,
        which then only support other signals (general sanctions screening of contractors is
        ``interdict screen --input``)."""
        score = min(self.rules[rule_id].weight, self.p(rule_id, "name_only_cap", 0.8), hit["score"])
        if not hit.get("dprk"):
            score *= self.p(rule_id, "non_dprk_factor", 0.5)
        return score

    # ------------------------------------------------------------------ per account
    def for_account(self, i: int) -> list[Reason]:
        reasons: list[Reason] = []
        profile = self.profiles[i]
        reasons += self._payment(i, profile)
        reasons += self._identity(i, profile)
        reasons += self._equipment(i, profile)
        reasons += self._company(i, profile)
        if self.agg is not None and self.agg.n[i] > 0:
            reasons += self._network(i, profile)
            reasons += self._time(i, profile)
        reasons += self._composite(i, profile, reasons)
        return reasons

    # -- payment
    def _payment(self, i: int, profile: Profile) -> list[Reason]:
        out = []
        claimed = profile.country
        prc, crypto, third = [], [], []
        accounts: list[dict[str, Any]] = []
        for pay in profile.payment_accounts:
            accounts.append({"type": pay.type, "provider": pay.provider, "country": pay.country,
                             "account": pay.account, "holder": pay.holder, "source": "profile"})
        if self.agg is not None:
            for entry in self.agg.payouts[i].values():
                accounts.append({"type": entry["method"] or "payout", "provider": None, "country": entry["country"],
                                 "account": entry["account"], "holder": entry["holder"], "source": "events",
                                 "line": entry["first_line"], "payouts": entry["count"],
                                 "amount": round(entry["amount"], 2)})
        for acc in accounts:
            is_crypto = (acc["type"] or "").lower() in {"crypto", "cryptocurrency", "btc", "eth", "usdt", "wallet"}
            if is_crypto:
                crypto.append(acc)
            elif acc["country"] == "cn" and claimed != "cn":
                prc.append(acc)
            if acc["holder"] and profile.name:
                sim = name_similarity(acc["holder"], profile.name)
                if sim is not None and sim < self.p("PAY-06", "min_name_similarity", 70):
                    third.append({**acc, "similarity": round(sim)})
        if prc:
            out.append(self.reason("PAY-01.prc-bank",
                                   f"Payouts go to {len(prc)} bank account(s) in the PRC while the contractor claims "
                                   f"{(claimed or 'an unknown country').upper()}.",
                                   {"accounts": prc, "claimed_country": claimed}))
        if crypto:
            out.append(self.reason("PAY-01.crypto", f"Paid in cryptocurrency ({len(crypto)} address(es)).",
                                   {"accounts": crypto}))
        if third:
            out.append(self.reason("PAY-06",
                                   f"Payout account held by someone else: {third[0]['holder']!r} is not "
                                   f"{profile.name!r}.", {"accounts": third, "claimed_name": profile.name}))
        # shared payment accounts
        keys = {k for k in self._payment_keys(i)}
        if self.agg is not None:
            keys |= {k for k, ms in self.shared["payment"].items() if i in ms}
        client_dev, devs = [], []
        for key in sorted(keys):
            others = self.sharing("payment", i, key)
            if not others or len(others) + 1 > LINK_CAP_PAYMENT:
                continue
            roles = {self.profiles[m].role for m in others} | {profile.role}
            entry = {"account": key, "shared_with": self.ids(others)}
            if "client" in roles and "developer" in roles:
                client_dev.append(entry)
            elif not profile.is_client:
                devs.append(entry)
        if client_dev:
            out.append(self.reason("PAY-02", "One payment account is used by both client and developer accounts: "
                                   f"shared with {', '.join(client_dev[0]['shared_with'][:5])}.",
                                   {"shared": client_dev}))
        if devs:
            n = len({x for d in devs for x in d["shared_with"]})
            # one other account (a couple's joint account) is weaker than an account paying several
            weight = self.rules["PAY-04"].weight * (self.p("PAY-04", "pair_factor", 0.75) if n == 1 else 1.0)
            others = {m for d in devs for m in self.sharing("payment", i, d["account"])}
            home = (profile.country, _fold(profile.city or ""))
            same_home = bool(profile.city) and all(
                (self.profiles[m].country, _fold(self.profiles[m].city or "")) == home for m in others)
            if same_home:
                # every account sharing it claims the same home: a household's joint account is the
                # likelier story, so it weighs less (still shown)
                weight *= self.p("PAY-04", "same_home_factor", 0.5)
            out.append(self.reason("PAY-04", f"Payment account shared with {n} other contractor account(s): "
                                   f"{', '.join(devs[0]['shared_with'][:5])}.", {"shared": devs}, score=weight))
        own_name = _fold(profile.name or "")
        for acc in accounts:
            if acc["holder"] and _fold(acc["holder"]) != own_name:  # own name: SCR-PERSON covers it
                for hit in self.screen_name(acc["holder"], "LegalEntity", []):
                    out.append(self.reason("SCR-PAYEE", f"Payee {acc['holder']!r} matches listed party "
                                           f"{hit['caption']} ({hit['id']}){_hit_note(hit)}.",
                                           {"payee": acc, "match": hit}, score=self._hit_score("SCR-PAYEE", hit)))
        return out

    # -- identity
    def _identity(self, i: int, profile: Profile) -> list[Reason]:
        out = []
        docs = []
        for doc in profile.documents:
            others = self.sharing("document", i, doc.key())
            if others:
                docs.append({"type": doc.type, "number": doc.number, "country": doc.country,
                             "shared_with": self.ids(others)})
        if docs:
            out.append(self.reason("IDN-01.document", f"Identity document {docs[0]['type']} {docs[0]['number']} is "
                                   f"also presented by {', '.join(docs[0]['shared_with'][:5])}.", {"documents": docs}))
        others = self.sharing("phone", i, profile.phone if profile.phone and len(profile.phone) >= 6 else None)
        if others:
            out.append(self.reason("IDN-01.phone", f"Phone {profile.phone} is also given by "
                                   f"{', '.join(self.ids(others)[:5])}.",
                                   {"phone": profile.phone, "shared_with": self.ids(others)}))
        box = normalise_mailbox(profile.email)
        others = self.sharing("email", i, box)
        pattern = email_pattern(profile.email, self.p("IDN-01.email", "min_stem_length", 6), profile.name)
        others_pattern = [m for m in self.sharing("email_pattern", i, pattern) if m not in others]
        if len(others_pattern) + 1 > self.p("IDN-01.email", "max_accounts", 8):
            others_pattern = []
        if others or others_pattern:
            what = "mailbox" if others else "e-mail pattern"
            ids = self.ids(others or others_pattern)
            out.append(self.reason("IDN-01.email", f"Same {what} as {', '.join(ids[:5])} ({profile.email}).",
                                   {"email": profile.email, "mailbox": box, "pattern": pattern,
                                    "same_mailbox": self.ids(others), "same_pattern": self.ids(others_pattern)},
                                   score=None if others else self.rules["IDN-01.email"].weight * 0.75))
        others = self.sharing("photo", i, profile.photo_hash)
        if others:
            names = sorted({self.profiles[m].name or "?" for m in others})
            out.append(self.reason("IDN-02", f"Profile photo also used by {', '.join(self.ids(others)[:5])} "
                                   f"(names: {', '.join(names[:5])}).",
                                   {"photo_hash": profile.photo_hash, "shared_with": self.ids(others),
                                    "names": names}))
        mismatched = []
        limit = self.p("IDN-01.names", "min_name_similarity", 70)
        for linked in profile.linked_accounts:
            sim = name_similarity(linked.name, profile.name)
            if sim is not None and sim < limit:
                mismatched.append({"site": linked.site, "handle": linked.handle, "name": linked.name,
                                   "similarity": round(sim)})
        if mismatched:
            out.append(self.reason("IDN-01.names", f"Claimed name {profile.name!r} differs from the name on "
                                   f"{mismatched[0]['site']} ({mismatched[0]['name']!r}).",
                                   {"claimed_name": profile.name, "mismatches": mismatched}))
        # the claimed country is exactly what a DPRK worker lies about: it is not passed as a
        # qualifier, or a true match (listed with KP) would be pushed down by the false claim
        for hit in self.screen_name(profile.name, "Person", []):
            out.append(self.reason("SCR-PERSON", f"Name {profile.name!r} matches listed person {hit['caption']} "
                                   f"({hit['id']}){_hit_note(hit)}.", {"name": profile.name, "match": hit},
                                   score=self._hit_score("SCR-PERSON", hit)))
        return out

    # -- equipment
    def _equipment(self, i: int, profile: Profile) -> list[Reason]:
        out = []
        if not profile.shipping:
            return out
        away = []
        for address in profile.shipping:
            if address.country and profile.country and address.country != profile.country:
                away.append({"address": address.text, "why": f"country {address.country.upper()} is not the "
                             f"claimed {profile.country.upper()}"})
            elif address.city and profile.city and _fold(address.city) not in _fold(profile.city) \
                    and _fold(profile.city) not in _fold(address.city):
                away.append({"address": address.text, "why": f"city {address.city} is not the claimed {profile.city}"})
        if away:
            out.append(self.reason("HW-01", f"Equipment shipped away from the claimed home: {away[0]['why']}.",
                                   {"addresses": away, "claimed_city": profile.city,
                                    "claimed_country": profile.country}))
        farm = []
        for address in profile.shipping:
            others = self.sharing("address", i, _address_key(address.text))
            if len(others) + 1 >= self.p("HW-03", "min_accounts", 3):
                companies = sorted({self.profiles[m].agency or self.profiles[m].company or "?" for m in others})
                farm.append({"address": address.text, "accounts": len(others) + 1,
                             "shared_with": self.ids(others), "employers": companies[:10]})
        if farm:
            out.append(self.reason("HW-03", f"Shipping address receives equipment for {farm[0]['accounts']} "
                                   "contractor accounts (laptop farm).", {"addresses": farm}))
        kinds = self.place_kinds[i]
        border = [t for k, t in kinds if k in {"border", "dprk"}]
        hub = [t for k, t in kinds if k == "hub"]
        # a contractor who claims to live in China ships to China: weaker than a reshipment abroad
        factor = self.p("HW-02.border", "claimed_cn_factor", 0.5) if profile.country == "cn" else 1.0
        if border:
            out.append(self.reason("HW-02.border", f"Equipment shipped to a Chinese county on the DPRK border: "
                                   f"{border[0]}.", {"addresses": border, "claimed_country": profile.country},
                                   score=self.rules["HW-02.border"].weight * factor))
        elif hub:
            out.append(self.reason("HW-02.hub", f"Equipment shipped to a DPRK-nexus hub city: {hub[0]}.",
                                   {"addresses": hub, "claimed_country": profile.country},
                                   score=self.rules["HW-02.hub"].weight * factor))
        return out

    # -- company
    def _company(self, i: int, profile: Profile) -> list[Reason]:
        out = []
        if profile.domain_registered:
            age = (self.as_of - profile.domain_registered).days
            if 0 <= age <= self.p("ORG-01", "max_domain_age_days", 365):
                out.append(self.reason("ORG-01", f"Company website {profile.website or ''} was registered {age} days "
                                       "ago.".replace("  ", " "),
                                       {"website": profile.website, "domain_registered": str(profile.domain_registered),
                                        "age_days": age}))
        if profile.company_registered:
            age = (self.as_of - profile.company_registered).days
            industry = (profile.company_industry or "").lower() + " "
            it_company = not profile.company_industry or any(w in industry for w in _IT_WORDS)
            if 0 <= age <= self.p("TP-04", "max_company_age_days", 1095) and it_company:
                # a young company with a young website is one fact seen twice: count it once and a half
                weight = self.rules["TP-04"].weight * (0.5 if out and out[-1].rule_id == "ORG-01" else 1.0)
                out.append(self.reason("TP-04", f"Company {profile.company or ''} is an IT-services company "
                                       f"registered {age} days ago.",
                                       {"company": profile.company, "registered": str(profile.company_registered),
                                        "industry": profile.company_industry, "age_days": age}, score=weight))
        for name in {n for n in (profile.company, profile.agency) if n}:
            linked = self.network_index.get(company_key(name))
            if linked is not None:
                top = sorted(linked.reasons, key=lambda r: -r.score)
                path = next((r.path for r in top if r.path), None)
                out.append(Reason(
                    rule_id="ORG-03",
                    summary=f"Company or agency {name!r} is {linked.caption or linked.subject} in the network "
                    f"analysis, which flags it ({linked.level.value}, {linked.score:.2f}): {top[0].summary}",
                    score=round(min(self.rules["ORG-03"].weight, linked.score), 4),
                    evidence={"company": name, "entity": linked.subject, "network_score": round(linked.score, 4),
                              "network_level": linked.level.value, "network_rules": [r.rule_id for r in top[:6]],
                              "method": "network analysis"},
                    citation=self.rules["ORG-03"].citation,
                    path=path,
                ))
                continue
            for hit in self.screen_name(name, "Organization", []):
                out.append(self.reason("ORG-03", f"Company or agency {name!r} matches listed party {hit['caption']} "
                                       f"({hit['id']}){_hit_note(hit)}.",
                                       {"company": name, "match": hit, "method": "party screening"},
                                       score=self._hit_score("ORG-03", hit)))
        return out

    # -- network (events)
    def _network(self, i: int, profile: Profile) -> list[Reason]:
        agg = self.agg
        assert agg is not None
        out = []
        lines = {k: int(v[i]) for k, v in agg.lines.items() if v[i] >= 0}
        n = int(agg.n[i])
        if agg.kp_hits[i]:
            out.append(self.reason("NET-KP-IP", f"{int(agg.kp_hits[i])} login(s) from DPRK IP space 175.45.176.0/22.",
                                   {"events": int(agg.kp_hits[i]), "ips": sorted(agg.kp_ips[i]),
                                    "first_line": lines.get("kp")}))
        if agg.kp_weak_hits[i]:
            out.append(self.reason("NET-KP-IP-WEAK", f"{int(agg.kp_weak_hits[i])} login(s) from ranges reported as "
                                   "DPRK-used (unverified).", {"events": int(agg.kp_weak_hits[i]),
                                                                "first_line": lines.get("kp_weak")}))
        if agg.switches[i] >= self.p("NET-01", "min_switches", 2):
            out.append(self.reason("NET-01", f"{int(agg.switches[i])} switches between countries within "
                                   f"{agg.window_seconds // 60} minutes on non-VPN logins "
                                   f"({', '.join(sorted(c.upper() for c in agg.countries[i]))}).",
                                   {"switches": int(agg.switches[i]), "countries": sorted(agg.countries[i]),
                                    "first_line": lines.get("switch")}))
        dev_shared = []
        lo, hi = self.p("NET-02.device", "min_accounts", 2), self.p("NET-02.device", "max_accounts", 25)
        for code in sorted(agg.devices[i]):
            k = agg.device_table.n_accounts(code)
            if lo <= k <= hi:
                others = [m for m in agg.device_table.accounts[code] or () if m != i]
                dev_shared.append({"device": agg.device_table.values[code], "accounts": k,
                                   "shared_with": self.ids(others)})
        if dev_shared:
            out.append(self.reason("NET-02.device", f"Device {dev_shared[0]['device']} is used by "
                                   f"{dev_shared[0]['accounts']} accounts.", {"devices": dev_shared}))
        ip_shared = []
        lo, hi = self.p("NET-02.ip", "min_accounts", 3), self.p("NET-02.ip", "max_accounts", 12)
        for code in sorted(agg.ips[i]):
            if agg.ip_vpn[code]:
                continue
            k = agg.ip_table.n_accounts(code)
            if lo <= k <= hi:
                members = agg.ip_table.accounts[code] or ()
                others = [m for m in members if m != i]
                homes = {(self.profiles[m].country, _fold(self.profiles[m].city or "")) for m in members}
                ip_shared.append({"ip": agg.ip_table.values[code], "accounts": k, "shared_with": self.ids(others),
                                  "claimed_homes": len(homes)})
        if ip_shared:
            ip_shared.sort(key=lambda x: -x["claimed_homes"])
            top = ip_shared[0]
            own_ips = sum(1 for code in agg.ips[i] if not agg.ip_vpn[code]) + int(agg.ip_overflow[i])
            # accounts that claim to live in different places but log in from one IP (laptop farm)
            # weigh fully; accounts all claiming the same city (an office, a household) weigh less,
            # and so do accounts rotating over many addresses (carrier NAT pools)
            weight = self.rules["NET-02.ip"].weight
            if top["claimed_homes"] < 2:
                weight *= self.p("NET-02.ip", "same_home_factor", 0.4)
            if own_ips > self.p("NET-02.ip", "rotating_ips", 8):
                weight *= self.p("NET-02.ip", "rotating_factor", 0.4)
            out.append(self.reason("NET-02.ip", f"IP {top['ip']} (not a VPN exit) is used by {top['accounts']} "
                                   f"accounts claiming {top['claimed_homes']} different home(s); this account "
                                   f"uses {own_ips} non-VPN address(es).",
                                   {"ips": ip_shared[:10], "own_non_vpn_ips": own_ips}, score=weight))
        hours = self.p("NET-03", "min_session_hours", 24)
        if agg.max_session[i] >= hours * 3600:
            count = int(agg.long_sessions[i])
            repeated = self.p("NET-03", "repeated", 3)
            # one day-long session happens (a forgotten login); repeated ones are the red flag
            weight = self.rules["NET-03"].weight * (1.0 if count >= repeated else self.p("NET-03", "single_factor", 0.5))
            out.append(self.reason("NET-03", f"{count} session(s) of a day or more (longest "
                                   f"{agg.max_session[i] / 3600:.0f} hours).",
                                   {"long_sessions": count, "max_session_hours": round(float(agg.max_session[i]) / 3600, 1),
                                    "first_line": lines.get("session")}, score=weight))
        tools = sorted(agg.tools[i])
        rdp_words = [str(t).lower() for t in self.p("NET-04", "tools", [])]
        ra_words = [str(t).lower() for t in self.p("NET-05", "tools", [])]
        rdp = [t for t in tools if any(w in t for w in rdp_words)]
        ra = [t for t in tools if t not in rdp and any(w in t for w in ra_words)]
        if rdp:
            out.append(self.reason("NET-04", f"Remote-desktop access seen: {', '.join(rdp)}.",
                                   {"tools": rdp, "first_line": lines.get("remote")}))
        if ra:
            out.append(self.reason("NET-05", f"Remote-access software seen: {', '.join(ra)}.",
                                   {"tools": ra, "first_line": lines.get("remote")}))
        share = agg.vpn[i] / n
        if profile.country and share >= self.p("NET-06", "min_share", 0.5):
            out.append(self.reason("NET-06", f"{share:.0%} of logins egress through VPN/proxy/hosting while the "
                                   f"contractor claims to live in {profile.country.upper()}.",
                                   {"vpn_share": round(float(share), 3), "events": n,
                                    "abroad_non_vpn": int(agg.abroad[i]), "first_line": lines.get("vpn")}))
        nexus = agg.nexus[i] / n
        if nexus >= self.p("TP-12", "min_share", 0.05):
            weight = self.rules["TP-12"].weight * (0.5 if profile.country == "cn" else 1.0)
            out.append(self.reason("TP-12", f"{nexus:.0%} of logins geolocate to "
                                   f"{', '.join(sorted(agg.nexus_cities[i]))}.",
                                   {"share": round(float(nexus), 3), "cities": sorted(agg.nexus_cities[i]),
                                    "first_line": lines.get("nexus")}, score=weight))
        return out

    # -- time and language (events)
    def _time(self, i: int, profile: Profile) -> list[Reason]:
        agg = self.agg
        assert agg is not None
        out = []
        timed = int(agg.n_timed[i])
        if profile.utc_offset is not None and timed >= self.p("COM-01", "min_events", 30):
            hist = agg.hours[i]
            east = hist[0:10].sum() / timed  # 09:00-18:59 at UTC+9 and UTC+8 = 00:00-09:59 UTC
            offset = profile.utc_offset
            if agg.first_ts[i] > 0:  # the claimed zone's offset when the activity happened (DST)
                when = datetime.fromtimestamp(int(agg.first_ts[i] + (agg.last_ts[i] - agg.first_ts[i]) // 2), UTC)
                offset = parse_utc_offset(profile.timezone, when) or offset
            local_work = [int((h - offset) % 24) for h in range(9, 18)]  # 09:00-17:59 claimed local time
            claimed_share = hist[np.array(local_work)].sum() / timed
            gap = min(abs(offset - 8.5), 24 - abs(offset - 8.5))
            if (east >= self.p("COM-01", "min_east_asia_share", 0.6)
                    and claimed_share <= self.p("COM-01", "max_claimed_share", 0.35)
                    and gap >= self.p("COM-01", "min_offset_gap_hours", 3)):
                peak = int(np.argmax(hist))
                out.append(self.reason("COM-01", f"{east:.0%} of activity falls in UTC+8/+9 working hours, only "
                                       f"{claimed_share:.0%} in working hours of the claimed zone "
                                       f"{profile.timezone}.",
                                       {"events": timed, "east_asia_share": round(float(east), 3),
                                        "claimed_working_share": round(float(claimed_share), 3),
                                        "claimed_timezone": profile.timezone, "peak_hour_utc": peak,
                                        "hours_utc": [int(x) for x in hist]}))
        korean = int(agg.korean[i])
        korean_countries = {c.lower() for c in self.p("COM-02", "korean_countries", ["KR", "KP"])}
        if korean and agg.n[i] and profile.country and profile.country not in korean_countries:
            share = korean / int(agg.n[i])
            if share >= self.p("COM-02", "min_share", 0.1):
                speaks = any(lang.startswith("ko") for lang in profile.languages)
                weight = self.rules["COM-02"].weight * (0.5 if speaks else 1.0)
                out.append(self.reason("COM-02", f"Korean UI/keyboard locale on {share:.0%} of sessions while the "
                                       f"contractor claims {profile.country.upper()}"
                                       + (" (Korean is among the declared languages)." if speaks else "."),
                                       {"share": round(share, 3), "locales": sorted(agg.locales[i]),
                                        "declared_languages": profile.languages,
                                        "first_line": int(agg.lines["korean"][i])}, score=weight))
        return out

    # -- G-05 composite
    def _composite(self, i: int, profile: Profile, reasons: list[Reason]) -> list[Reason]:
        ids = {r.rule_id for r in reasons}
        korean = "COM-02" in ids
        place = any(r in ids for r in ("HW-02.border", "HW-02.hub", "TP-12", "PAY-01.prc-bank"))
        young = "TP-04" in ids or "ORG-01" in ids
        if korean and place and young:
            return [self.reason("G-05", "Korean locale, a payee or address in the PRC border region and a young "
                                "IT company coincide.", {"signals": sorted(ids & {"COM-02", "HW-02.border",
                                                                                 "HW-02.hub", "TP-12",
                                                                                 "PAY-01.prc-bank", "TP-04",
                                                                                 "ORG-01"})})]
        return []


LINK_CAP_PAYMENT = 25
