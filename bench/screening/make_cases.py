"""Build the labelled pair set bench/screening/cases.csv from the bundled lists.

Each row pairs a query (a name, optionally a birth date or country) with one list entity
(``candidate_id``) and a label: 1 if the query names that party, 0 if not. ``held_out_alias``
pairs are scored with the candidate's record *minus that alias*; every other category is made so
that the query differs from what the list carries (except the birth-date pairs, where the
listed name is the point and the birth date decides).

Categories (``category`` column) and how each is made:

- ``held_out_alias`` (1): another name the list gives the same party, sharing at least one word
  with its other names (an unrelated alias, e.g. a cover name, cannot be found once held out).
- ``romanisation`` (1): Korean person names respelt: surname variants (Ri/Lee/Rhee/Yi, Pak/Park,
  Choe/Choi, Jong/Jeong/Chung...), McCune-Reischauer vs Revised Romanization syllables
  (Chol/Cheol, Yong/Young/Yeong, Pyong/Byung...), given names joined or hyphenated, order swapped.
- ``script`` (1/0): Hangul, Hanzi and Cyrillic renderings of listed names, written by hand from the
  parties' published native names, plus native-script look-alikes (0).
- ``typo`` (1): one or two character edits in the longer tokens.
- ``reorder`` (1): tokens in another order (given name first, surname first).
- ``legal_form`` (1): company names with the legal form spelt differently or dropped.
- ``extended`` (1): an organisation's listed name followed by a place or unit ("..., PYONGYANG",
  "... HONG KONG BRANCH"), as invoices write it.
- ``dob_agree`` (1) / ``dob_conflict`` (0): the listed name with the listed birth date, or with a
  birth date 15+ years away (a namesake).
- ``lookalike`` (0): the listed name with its most distinctive token replaced (another given name,
  another trade name) - a different party with a similar name.
- ``recombined`` (0): a first name and a surname taken from two different listed persons, so the
  name is plausible but names nobody on the lists; the candidate is the closest list name by a
  plain rapidfuzz WRatio (neutral to our own engine).

``case_group`` is the candidate's id (all variants of one party share it); the split used by the
calibration is by a hash of the group (30% held out, see ``split_of``). ``case_id`` is a hash of
(category, query, candidate_id). ``quality``: STRONG, MEDIUM or WEAK evidence by construction.

Run: ``python -m bench.screening.make_cases`` (deterministic: fixed seed).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "cases.csv"
COLUMNS = ["case_id", "case_group", "quality", "category", "query", "schema", "candidate_id", "label",
           "birth_date", "country"]
SEED = 20261122

SURNAMES = {
    "kim": ["gim"], "ri": ["lee", "rhee", "yi"], "pak": ["park", "bak"], "choe": ["choi"],
    "jong": ["jeong", "chung", "chong"], "ryu": ["yu", "yoo"], "rim": ["lim", "im"], "ro": ["roh", "no"],
    "jo": ["cho"], "kang": ["gang"], "jang": ["chang"], "ju": ["joo"], "yun": ["yoon"], "o": ["oh"],
    "jon": ["jeon", "chon"], "sin": ["shin"], "han": ["hahn"], "hyon": ["hyun", "hyeon"], "ko": ["go"],
    "kwon": ["gwon"], "son": ["sohn"], "mun": ["moon"], "paek": ["baek"], "chu": ["joo"],
}
SYLLABLES = {
    "chol": ["cheol", "chul"], "yong": ["young", "yeong"], "song": ["seong", "sung"],
    "kwang": ["gwang"], "pyong": ["pyeong", "byung", "byeong"], "jong": ["jeong", "chong"],
    "chun": ["cheon", "choon"], "hyok": ["hyeok", "hyuk"], "kyong": ["gyeong", "kyung"],
    "hui": ["hee"], "sok": ["seok", "suk"], "su": ["soo"], "un": ["eun"], "myong": ["myeong", "myung"],
    "ryong": ["ryeong", "ryung"], "ryol": ["ryeol", "yeol"], "sun": ["soon"], "gon": ["geon"],
    "kon": ["geon"], "yon": ["yeon"], "ju": ["joo"], "kuk": ["guk"], "kum": ["geum"], "tong": ["dong"],
    "chang": ["chang"], "hak": ["hak"], "chon": ["cheon"], "nam": ["nam"], "il": ["il"], "jin": ["jin"],
    "ho": ["ho"], "ok": ["ock"], "hyon": ["hyeon", "hyun"], "pong": ["bong"], "kil": ["gil"],
    "taek": ["taek"], "sang": ["sang"], "chan": ["chan"], "hwa": ["hwa"], "gyu": ["kyu"], "kyu": ["gyu"],
}
GIVEN_SWAP = ["chol", "su", "nam", "ho", "il", "sik", "hyok", "jin", "man", "hak", "chun", "sun", "gil",
              "bok", "dok", "pil", "sam", "tae", "u", "hui"]

# Native-script renderings of listed parties (query, candidate id, label, quality, schema).
SCRIPT_CASES = [
    ("김정은", "us_ofac_sdn-20157", 1, "STRONG", "Person"),
    ("김여정", "us_ofac_sdn-21444", 1, "STRONG", "Person"),
    ("최룡해", "us_ofac_sdn-23213", 1, "STRONG", "Person"),
    ("최용해", "us_ofac_sdn-23213", 1, "MEDIUM", "Person"),  # South Korean spelling of 룡
    ("리병철", "us_ofac_sdn-23215", 1, "STRONG", "Person"),
    ("김원홍", "us_ofac_sdn-21443", 1, "STRONG", "Person"),
    ("최휘", "us_ofac_sdn-21306", 1, "STRONG", "Person"),
    ("리만건", "un_sc-KPi.026", 1, "STRONG", "Person"),
    ("김정식", "un_sc-KPi.066", 1, "STRONG", "Person"),
    ("오극렬", "us_ofac_sdn-15771", 1, "STRONG", "Person"),
    ("김영철", "us_ofac_sdn-12211", 1, "STRONG", "Person"),
    ("조선련봉총회사", "un_sc-KPe.002", 1, "MEDIUM", "Organization"),
    ("조선혁신무역회사", "un_sc-KPe.006", 1, "MEDIUM", "Organization"),
    ("조선광업개발무역회사", "un_sc-KPe.001", 1, "WEAK", "Organization"),
    ("조선광선은행", "un_sc-KPe.025", 1, "WEAK", "Organization"),
    ("고려은행", "un_sc-KPe.045", 1, "MEDIUM", "Organization"),
    ("천마산", "us_ofac_sdn-23729", 1, "MEDIUM", "Vessel"),
    ("丹东鸿祥实业发展有限公司", "us_ofac_sdn-20564", 1, "STRONG", "Company"),
    ("丹东至诚金属材料有限公司", "us_ofac_sdn-22603", 1, "STRONG", "Company"),
    ("丹东东源实业有限公司", "us_ofac_sdn-23171", 1, "STRONG", "Company"),
    ("丹东祥和贸易有限公司", "us_ofac_sdn-23176", 1, "STRONG", "Company"),
    ("丹东鸿达贸易有限公司", "us_ofac_sdn-23177", 1, "STRONG", "Company"),
    ("丹东科华经贸有限公司", "us_ofac_sdn-23175", 1, "MEDIUM", "Company"),
    ("马晓红", "us_ofac_sdn-20565", 1, "STRONG", "Person"),
    ("周建书", "us_ofac_sdn-20566", 1, "STRONG", "Person"),
    ("洪锦华", "us_ofac_sdn-20567", 1, "STRONG", "Person"),
    ("孙嗣东", "us_ofac_sdn-23170", 1, "STRONG", "Person"),
    ("Дерипаска Олег Владимирович", "us_ofac_sdn-24283", 1, "STRONG", "Person"),
    ("Вексельберг Виктор Феликсович", "us_ofac_sdn-24306", 1, "STRONG", "Person"),
    ("Ротенберг Аркадий Романович", "us_ofac_sdn-16669", 1, "STRONG", "Person"),
    # look-alikes in native script: a different person or firm with a similar name
    ("김정남", "us_ofac_sdn-20157", 0, "MEDIUM", "Person"),
    ("김여진", "us_ofac_sdn-21444", 0, "MEDIUM", "Person"),
    ("최룡수", "us_ofac_sdn-23213", 0, "MEDIUM", "Person"),
    ("리병훈", "us_ofac_sdn-23215", 0, "MEDIUM", "Person"),
    ("丹东鸿运实业发展有限公司", "us_ofac_sdn-20564", 0, "MEDIUM", "Company"),
    ("丹东东方实业有限公司", "us_ofac_sdn-23171", 0, "MEDIUM", "Company"),
    ("马晓明", "us_ofac_sdn-20565", 0, "MEDIUM", "Person"),
    ("周建国", "us_ofac_sdn-20566", 0, "MEDIUM", "Person"),
    ("Дерипаска Андрей Петрович", "us_ofac_sdn-24283", 0, "MEDIUM", "Person"),
    ("조선대성은행", "un_sc-KPe.025", 0, "MEDIUM", "Organization"),
]

LEGAL_SWAPS = [
    (r"\bCO\.?,? LTD\.?", "COMPANY LIMITED"), (r"\bCOMPANY LIMITED\b", "CO LTD"),
    (r"\bCORPORATION\b", "CORP"), (r"\bCORP\.?\b", "CORPORATION"), (r"\bLIMITED\b", "LTD"),
    (r"\bLTD\.?", "LIMITED"), (r"\bLLC\b", "L.L.C."), (r"\bCOMPANY\b", "CO."),
]
LEGAL_WORDS = re.compile(r"\b(CO|LTD|LIMITED|CORP|CORPORATION|COMPANY|LLC|INC|JSC|GMBH|SA|LLP|PLC)\b\.?,?", re.I)


def split_of(case_group: str) -> str:
    """``test`` for 30% of parties (by a stable hash of the group), ``train`` for the rest."""
    h = int(hashlib.sha1(case_group.encode()).hexdigest()[:8], 16)
    return "test" if h % 10 < 3 else "train"


def case_id(category: str, query: str, candidate: str, extra: str = "") -> str:
    return hashlib.sha1(f"{category}|{query}|{candidate}|{extra}".encode()).hexdigest()[:12]


def load_entities() -> list:
    """The designating lists' parties from the store (bundled lists loaded on first use)."""
    from bench.screening.common import ensure_home
    from interdict.screening import Screener

    ensure_home()
    store = Screener.open().store
    schemata = ("Person", "Organization", "Company", "LegalEntity", "Vessel")
    return list(store.iter_entities(sources=["un_sc", "us_ofac_sdn", "us_ofac_cons"], schemata=schemata))


def words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", name) if w]


def korean_parts(name: str) -> tuple[str, list[str]] | None:
    """('kim', ['yong', 'chol']) from 'KIM, Yong Chol' or 'KIM YONG CHOL' (surname first)."""
    text = name.replace("-", " ").replace(",", " ")
    toks = [t.lower() for t in text.split() if t]
    if len(toks) < 2 or len(toks) > 4 or not all(re.fullmatch(r"[a-z']+", t) for t in toks):
        return None
    toks = [t.replace("'", "") for t in toks]
    if toks[0] not in SURNAMES and toks[0] not in {"kim", "ri", "pak", "choe", "jong"}:
        return None
    return toks[0], toks[1:]


def romanisations(surname: str, given: list[str], rng: random.Random) -> list[tuple[str, str]]:
    out = []
    sur_alts = SURNAMES.get(surname, [surname])
    g_alt = [rng.choice(SYLLABLES.get(s, [s])) for s in given]
    cap = str.capitalize
    out.append((f"{cap(rng.choice(sur_alts))} {'-'.join(given).capitalize()}", "MEDIUM"))
    out.append((f"{cap(surname)} {' '.join(cap(g) for g in g_alt)}", "MEDIUM"))
    out.append((f"{''.join(given).capitalize()} {cap(surname)}", "MEDIUM"))
    out.append((f"{cap(rng.choice(sur_alts))} {'-'.join(g_alt).capitalize()}", "WEAK"))
    return out


def typo(name: str, rng: random.Random, edits: int = 1) -> str | None:
    toks = words(name)
    long = [i for i, t in enumerate(toks) if len(t) >= 5 and t.isalpha()]
    if not long:
        return None
    for _ in range(edits):
        i = rng.choice(long)
        t = toks[i]
        p = rng.randrange(1, len(t) - 1)
        op = rng.choice(["sub", "del", "ins", "swap"])
        letters = "aeioulnrstkmh"
        if op == "sub":
            t = t[:p] + rng.choice(letters) + t[p + 1:]
        elif op == "del":
            t = t[:p] + t[p + 1:]
        elif op == "ins":
            t = t[:p] + rng.choice(letters) + t[p:]
        else:
            t = t[:p - 1] + t[p] + t[p - 1] + t[p + 1:]
        toks[i] = t
    out = " ".join(toks)
    return out if out.lower() != name.lower() else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-category", type=int, default=450)
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    entities = load_entities()
    by_id = {e.id: e for e in entities}
    all_names = set()
    for e in entities:
        for n in e.get("name") + e.get("alias") + e.get("weakAlias") + e.get("previousName"):
            all_names.add(n.casefold())
    persons = [e for e in entities if e.schema.name == "Person" and e.get("name")]
    orgs = [e for e in entities if e.schema.name in ("Organization", "Company", "LegalEntity") and e.get("name")]
    vessels = [e for e in entities if e.schema.name == "Vessel" and e.get("name")]
    dprk_persons = [e for e in persons if any("DPRK" in p or "KP" in p for p in e.get("program") + e.get("programId"))]
    rows: list[dict] = []

    def add(category, query, ent, label, quality, birth_date="", country=""):
        if not query or not query.strip():
            return
        rows.append({
            "case_id": case_id(category, query, ent.id, birth_date), "case_group": ent.id, "quality": quality,
            "category": category, "query": query, "schema": ent.schema.name, "candidate_id": ent.id,
            "label": label, "birth_date": birth_date, "country": country,
        })

    n = args.per_category
    # held-out aliases
    pool = [e for e in persons + orgs + vessels if e.get("alias")]
    rng.shuffle(pool)
    made = 0
    for e in pool:
        # an alias that shares no word with the party's other names is a different name altogether:
        # no name matcher can find it once it is held out, so it says nothing about matching
        alias = rng.choice(e.get("alias"))
        others = [x for x in e.get("name") + e.get("alias") if x != alias]
        alias_words = {w.casefold().strip(".,") for w in words(alias) if len(w) > 2}
        other_words = {w.casefold().strip(".,") for x in others for w in words(x) if len(w) > 2}
        if not alias_words & other_words:
            continue
        add("held_out_alias", alias, e, 1, "MEDIUM")
        made += 1
        if made >= n:
            break
    # romanisation of Korean person names
    count = 0
    shuffled = dprk_persons[:]
    rng.shuffle(shuffled)
    for e in shuffled:
        parts = korean_parts(e.get("name")[0])
        if parts is None:
            continue
        for variant, quality in romanisations(parts[0], parts[1], rng):
            if variant.casefold() not in all_names:
                add("romanisation", variant, e, 1, quality)
                count += 1
        if count >= n:
            break
    # script variants (hand-written)
    for query, cid, label, quality, _schema in SCRIPT_CASES:
        if cid in by_id:
            add("script", query, by_id[cid], label, quality)
    # typos and reorderings
    sample = rng.sample(persons, min(n, len(persons))) + rng.sample(orgs, min(n // 2, len(orgs)))
    for e in sample:
        name = e.get("name")[0]
        t = typo(name, rng, edits=1 if rng.random() < 0.6 else 2)
        if t:
            add("typo", t, e, 1, "MEDIUM")
    for e in rng.sample(persons, min(n, len(persons))):
        toks = words(e.get("name")[0])
        if len(toks) >= 2:
            add("reorder", " ".join(toks[1:] + toks[:1]), e, 1, "STRONG")
    # legal forms
    legal = [e for e in orgs if LEGAL_WORDS.search(e.get("name")[0])]
    for e in rng.sample(legal, min(n // 2, len(legal))):
        name = e.get("name")[0]
        if rng.random() < 0.5:
            variant = LEGAL_WORDS.sub("", name).strip(" ,.")
        else:
            variant = name
            for pat, rep in LEGAL_SWAPS:
                if re.search(pat, variant):
                    variant = re.sub(pat, rep, variant, count=1)
                    break
        if variant and variant != name:
            add("legal_form", re.sub(r"\s+", " ", variant), e, 1, "STRONG")
    # birth dates: agree / conflict
    dated = [e for e in persons if any(len(d) == 10 for d in e.get("birthDate"))]
    for e in rng.sample(dated, min(n // 2, len(dated))):
        d = next(d for d in e.get("birthDate") if len(d) == 10)
        add("dob_agree", e.get("name")[0], e, 1, "STRONG", birth_date=d)
    for e in rng.sample(dated, min(n // 2, len(dated))):
        d = next(d for d in e.get("birthDate") if len(d) == 10)
        year = int(d[:4])
        other = year + rng.choice([-1, 1]) * rng.randint(15, 30)
        add("dob_conflict", e.get("name")[0], e, 0, "STRONG", birth_date=f"{other}{d[4:]}")
    # look-alikes: replace the most distinctive (longest) token with another list token
    token_pool: dict[str, list[str]] = defaultdict(list)
    for e in persons:
        for t in words(e.get("name")[0]):
            if t.isalpha() and len(t) >= 3:
                token_pool["person"].append(t)
    for e in orgs + vessels:
        for t in words(e.get("name")[0]):
            if t.isalpha() and len(t) >= 4 and not LEGAL_WORDS.fullmatch(t):
                token_pool["org"].append(t)
    for e in rng.sample(persons, min(n, len(persons))) + rng.sample(orgs, min(n, len(orgs))) + \
            rng.sample(vessels, min(n // 4, len(vessels))):
        toks = words(e.get("name")[0])
        cands = [i for i, t in enumerate(toks) if t.isalpha() and len(t) >= 3 and not LEGAL_WORDS.fullmatch(t)]
        if len(toks) < 2 or not cands:
            continue
        i = max(cands, key=lambda j: (len(toks[j]), rng.random()))
        kind = "person" if e.schema.name == "Person" else "org"
        for _ in range(10):
            new = rng.choice(token_pool[kind])
            if new.casefold() != toks[i].casefold() and abs(len(new) - len(toks[i])) <= 3:
                break
        variant = " ".join(toks[:i] + [new.upper() if toks[i].isupper() else new] + toks[i + 1:])
        names_of = {x.casefold() for x in e.get("name") + e.get("alias") + e.get("weakAlias")}
        if variant.casefold() not in names_of:
            add("lookalike", variant, e, 0, "MEDIUM")
    # recombined person names, candidate = closest list name by plain WRatio
    from rapidfuzz import fuzz, process

    person_names = [e.get("name")[0] for e in persons]
    person_ids = [e.id for e in persons]
    firsts = [words(e.get("name")[0])[-1] for e in persons if len(words(e.get("name")[0])) >= 2]
    lasts = [words(e.get("name")[0])[0].strip(",") for e in persons if len(words(e.get("name")[0])) >= 2]
    made = 0
    while made < n:
        q = f"{rng.choice(firsts).capitalize()} {rng.choice(lasts).capitalize()}"
        if q.casefold() in all_names:
            continue
        best = process.extractOne(q, person_names, scorer=fuzz.WRatio)
        if best is None:
            continue
        add("recombined", q, by_id[person_ids[best[2]]], 0, "WEAK")
        made += 1
    # extended (1): an organisation's listed name with a place or unit after it, as invoices and
    # registries write it ("KOREA RYONBONG GENERAL CORPORATION, PYONGYANG", "... CO LTD LIAONING
    # BRANCH"). Its own random stream. The committed cases.csv has these rows appended to the set
    # made before the category existed: a fresh run samples the other categories differently,
    # because the store's entity order is not fixed across list loads.
    ext_rng = random.Random(SEED + 1)
    tails = ["PYONGYANG", "DANDONG", "SHENYANG BRANCH", "HONG KONG BRANCH", "DUBAI", "MOSCOW OFFICE",
             "LIAONING", "REPRESENTATIVE OFFICE", "BEIJING", "VLADIVOSTOK", "TEHRAN", "ISTANBUL BRANCH"]
    multi = [e for e in orgs if len(words(LEGAL_WORDS.sub("", e.get("name")[0]))) >= 2]
    for e in ext_rng.sample(multi, min(n // 2, len(multi))):
        name = e.get("name")[0]
        sep = ", " if ext_rng.random() < 0.5 else " "
        add("extended", f"{name}{sep}{ext_rng.choice(tails)}", e, 1, "MEDIUM")
    # dedupe by case id, keep order
    seen = set()
    unique = []
    for r in rows:
        if r["case_id"] not in seen:
            seen.add(r["case_id"])
            unique.append(r)
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(unique)
    by_cat: dict[str, int] = defaultdict(int)
    for r in unique:
        by_cat[r["category"]] += 1
    print(f"wrote {len(unique)} cases to {args.output}: {dict(by_cat)}")


if __name__ == "__main__":
    main()
