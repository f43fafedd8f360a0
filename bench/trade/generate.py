"""Labelled synthetic shipments for the trade benchmark.

Every value is drawn from one ``random.Random(seed)``: the same seed gives the same file, another
seed gives a held-out file with the same archetypes but other parties, places, goods, quantities and
spellings (``--seed`` is how held-out sets are made; they need not be in the repository).

Ordinary trade (label 0, about 88 %), with the confounders a real exporter or forwarder sees:

* electronics (laptops, phones, consumer GPUs incl. RTX 4090 to Europe, network gear, storage) and
  other goods (apparel, toys, furniture, food, machinery, steel, seafood) between many countries;
* Chinese-language descriptions of ordinary goods; Chinese consignees in Shanghai, Shenzhen,
  Beijing and in the hubs Shenyang and Dalian;
* small electronics consignments to Dandong or Hunchun (local retail), non-electronics to the
  border counties (Dandong is the hub of all China-DPRK trade), trading companies with a named end
  user, free-trade-zone addresses for ordinary goods, cash for cheap items.

Planted evasion (label 1, about 12 %), each with its typology in ``planted``:

* ``border_consignee``  GPUs, servers, laptops or phones at commercial volume to a consignee or final
  destination in a DPRK-border county (English, pinyin or Chinese address), correct HS code;
* ``misdeclared_gpu``   graphics cards / accelerators (often named models) declared under toys,
  plastics, furniture or lamps headings, to ordinary Chinese cities or the border;
* ``designated_party``  a real designated entity from the bundled lists (DPRK programmes) as consignee,
  shipper, notify party or end user, under another spelling (case, punctuation, abbreviated legal
  form, split or joined words, one typo); ordinary goods and route;
* ``chinese_only``      Chinese-only descriptions of controlled electronics with Chinese-only border or
  DPRK addresses;
* ``dprk_direct``       goods consigned to DPRK places (English, Chinese, Korean spellings) or DPRK
  country codes;
* ``transshipment``     electronics discharged at Dalian/Shenyang/Yanji or consigned via a third
  country with the final destination on the border.

The file has the columns of ``interdict.trade.COLUMNS`` plus ``label`` and ``planted`` (the screener
ignores unknown columns). Rows are written as they are drawn: constant memory for any size.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interdict.trade.shipments import COLUMNS

FIELDS = [*COLUMNS, "label", "planted"]
PLANTED_SHARE = 0.12
TYPOLOGIES = ["border_consignee", "misdeclared_gpu", "designated_party", "chinese_only", "dprk_direct",
              "transshipment"]

WORDS = ["Huaxin", "Jinlong", "Tianyu", "Hengtai", "Ruifeng", "Xinda", "Dongsheng", "Baoli", "Kaiyuan", "Minghui",
         "Zhongtian", "Haoran", "Yuanfeng", "Longxiang", "Fuhua", "Shengda", "Hongyun", "Wanjia", "Tongchuang",
         "Jiahe", "Xingyuan", "Anda", "Rongsheng", "Boyuan", "Huitong", "Lianchuang", "Jinqiao", "Yongli"]
ZH_WORDS = ["华信", "金龙", "天宇", "恒泰", "瑞丰", "鑫达", "东升", "宝利", "开元", "明辉", "中天", "浩然", "远丰", "隆祥",
            "富华", "盛达", "鸿运", "万佳", "通创", "嘉禾"]
INDUSTRY = ["Electronics", "Technology", "Trading", "Industrial", "Import and Export", "Digital", "Supply Chain",
            "Logistics", "Network", "Computer"]
CN_CITIES = [("Shenzhen", "深圳市", "Guangdong"), ("Shanghai", "上海市", "Shanghai"), ("Guangzhou", "广州市", "Guangdong"),
             ("Beijing", "北京市", "Beijing"), ("Hangzhou", "杭州市", "Zhejiang"), ("Suzhou", "苏州市", "Jiangsu"),
             ("Chengdu", "成都市", "Sichuan"), ("Wuhan", "武汉市", "Hubei"), ("Ningbo", "宁波市", "Zhejiang"),
             ("Xiamen", "厦门市", "Fujian")]
HUBS = [("Shenyang", "沈阳市", "Liaoning"), ("Dalian", "大连市", "Liaoning"), ("Yanji", "延吉市", "Jilin")]
BORDER = [  # English address, Chinese address, pinyin address
    ("Zhenxing District, Dandong, Liaoning", "辽宁省丹东市振兴区", "Dandong Shi Zhenxing Qu"),
    ("Yuanbao District, Dandong, Liaoning", "辽宁省丹东市元宝区", "Dandong Yuanbao Qu"),
    ("Zhen'an District, Dandong", "丹东市振安区", "Dandong Zhenan Qu"),
    ("Donggang, Liaoning", "辽宁省东港市", "Donggang Shi"),
    ("Kuandian County, Dandong", "丹东市宽甸满族自治县", "Kuandian Xian"),
    ("Ji'an City, Tonghua, Jilin", "吉林省集安市", "Jian Shi, Tonghua, Jilin"),
    ("Linjiang City, Baishan, Jilin", "吉林省临江市", "Linjiang Shi"),
    ("Changbai County, Baishan, Jilin", "吉林省长白朝鲜族自治县", "Changbai Xian"),
    ("Tumen City, Yanbian, Jilin", "吉林省图们市", "Tumen Shi"),
    ("Hunchun City, Yanbian, Jilin", "吉林省珲春市", "Hunchun Shi"),
    ("Longjing City, Yanbian, Jilin", "吉林省延边朝鲜族自治州龙井市", "Longjing Shi, Yanbian"),
    ("Helong City, Yanbian, Jilin", "吉林省和龙市", "Helong Shi"),
    ("Antu County, Yanbian, Jilin", "吉林省安图县", "Antu Xian"),
]
DPRK_PLACES = ["Pyongyang", "Nampo", "Sinuiju", "Rason", "Chongjin", "平壤", "南浦", "新义州", "罗先", "평양", "남포",
               "신의주", "Pyongyang, DPRK", "Sinuiju, North Korea"]
COUNTRIES = [("DE", "Hamburg", "Berlin"), ("US", "Los Angeles", "Chicago"), ("JP", "Tokyo", "Osaka"),
             ("VN", "Hai Phong", "Hanoi"), ("SG", "Singapore", "Singapore"), ("KR", "Busan", "Seoul"),
             ("NL", "Rotterdam", "Amsterdam"), ("AE", "Jebel Ali", "Dubai"), ("IN", "Nhava Sheva", "Mumbai"),
             ("RU", "Vladivostok", "Moscow"), ("MY", "Port Klang", "Kuala Lumpur"), ("MN", "Ulaanbaatar", "Ulaanbaatar")]
WESTERN = ["Nordic Retail AB", "Media Store GmbH", "BlueLine Distribution Inc", "Sakura Denki KK", "Saigon Digital JSC",
           "Lion City Electronics Pte Ltd", "Hanbit Electronics Co Ltd", "Rotterdam Home BV", "Gulf Star LLC",
           "Bharat Devices Pvt Ltd", "Vostok Trade LLC", "Klang Valley Tech Sdn Bhd", "Steppe Supply LLC"]

# goods: (description EN, description ZH, hs, unit price USD, category kind)
ELECTRONICS = [
    ("Laptop computers 14 inch", "笔记本电脑", "847130", 650, "computers"),
    ("Notebook computers ThinkPad", "笔记本电脑 联想", "847130", 900, "computers"),
    ("Desktop computers", "台式机", "847141", 500, "computers"),
    ("Smartphones 128GB", "智能手机", "851713", 280, "phones"),
    ("Mobile phones", "手机", "851713", 150, "phones"),
    ("Network switch 24 port", "交换机", "851762", 300, "network"),
    ("Wireless router", "路由器", "851762", 60, "network"),
    ("Solid state drive 1TB", "固态硬盘", "847170", 70, "storage"),
    ("Graphics card GeForce RTX 4070", "显卡 RTX4070", "847330", 550, "gpu"),
    ("Graphics card RTX 4090 24GB", "显卡 RTX4090 24G", "847330", 1800, "gpu"),
    ("LCD monitor 27 inch", "显示器 27寸", "852852", 180, "consumer"),
]
ADVANCED = [
    ("NVIDIA A100 80GB PCIe accelerator", "英伟达 A100 80G 加速卡", "847330", 12000),
    ("NVIDIA H100 80GB SXM", "英伟达 H100 算力卡", "847330", 25000),
    ("NVIDIA H20 96GB GPU", "英伟达 H20 显卡", "847330", 12000),
    ("GeForce RTX 4090D graphics cards", "显卡 RTX4090D", "847330", 1900),
    ("AMD Instinct MI300X accelerator", "AMD MI300X 加速卡", "847330", 15000),
    ("Huawei Ascend 910B AI card", "昇腾910B 加速卡", "847330", 14000),
    ("GPU server 8x H800", "服务器 8卡 H800", "847150", 240000),
    ("Graphics cards GPU 24GB", "显卡 24G", "847330", 1500),
]
OTHER = [
    ("Cotton T-shirts", "棉质T恤 服装", "610910", 3, "apparel"),
    ("Plastic toys", "塑料玩具", "950300", 2, "toys"),
    ("Office chairs", "办公椅子 家具", "940139", 40, "furniture"),
    ("Rice 25kg bags", "大米", "100630", 15, "food"),
    ("Excavator spare parts", "挖掘机配件", "843149", 120, "machinery"),
    ("Steel pipe", "钢管", "730630", 500, "steel"),
    ("Frozen squid", "冻鱿鱼", "030743", 4, "seafood"),
    ("Cooking oil", "食用油", "151790", 2, "food"),
    ("Ceramic floor tiles", "瓷砖", "690721", 8, "tiles"),
    ("Bicycle tyres", "自行车轮胎", "401150", 6, "tyres"),
]
MISDECLARE_HS = ["950300", "392690", "940521", "950490", "420292", "961900", "731815"]


class Generator:
    def __init__(self, seed: int, designated: list[str]) -> None:
        self.r = random.Random(seed)
        self.seed = seed
        self.designated = designated
        r = self.r
        self.cn_shippers = [f"{c[0]} {r.choice(WORDS)} {r.choice(INDUSTRY)} Co., Ltd" for c in CN_CITIES for _ in range(25)]
        self.cn_shippers_zh = [f"{c[1]}{r.choice(ZH_WORDS)}电子科技有限公司" for c in CN_CITIES for _ in range(10)]
        self.border_consignees = [
            (f"{addr[0].split(',')[-2].strip().replace(' City', '')} {r.choice(WORDS)} Trading Co., Ltd", i)
            for i, addr in enumerate(BORDER) for _ in range(8)
        ]
        self.cn_consignees = {
            "electronics": [(f"{c[0]} {r.choice(WORDS)} {r.choice(INDUSTRY)} Co., Ltd", c)
                            for c in CN_CITIES + HUBS for _ in range(30)],
            "other": [(f"{c[0]} {r.choice(WORDS)} {r.choice(['Food', 'Building Materials', 'Garment', 'Furniture'])} "
                       f"Co., Ltd", c) for c in CN_CITIES + HUBS for _ in range(30)],
        }
        self.n = 0

    # -- pieces -----------------------------------------------------------------------------------
    def _street(self) -> str:
        r = self.r
        return f"No. {r.randint(1, 300)} {r.choice(WORDS)} Road"

    def _zh_street(self) -> str:
        r = self.r
        return f"{r.choice(ZH_WORDS)}路{r.randint(1, 300)}号"

    def _base(self) -> dict[str, Any]:
        r = self.r
        self.n += 1
        city = r.choice(CN_CITIES)
        return {
            "shipment_id": f"T{self.seed}-{self.n:08d}",
            "date": f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            "shipper_name": r.choice(self.cn_shippers),
            "shipper_address": f"{self._street()}, {city[0]}, {city[2]}",
            "shipper_country": "CN",
            "port_of_loading": r.choice(["Shanghai", "Shenzhen", "Ningbo", "Qingdao", "Tianjin", "Xiamen"]),
            "transport_mode": r.choice(["sea", "sea", "air", "road", "rail"]),
            "payment_terms": r.choice(["T/T 30 days", "L/C at sight", "T/T in advance", "D/P", "Open account"]),
            "incoterms": r.choice(["FOB", "CIF", "EXW", "DAP", "CFR"]),
            "label": 0,
            "planted": "",
        }

    def _goods(self, item: tuple, qty: int, zh: bool = False) -> dict[str, Any]:
        r = self.r
        desc = item[1] if zh else (item[0] if r.random() > 0.15 else f"{item[0]} / {item[1]}")
        price = item[3] * r.uniform(0.8, 1.2)
        return {"goods_description": desc, "hs_code": self._hs_variant(item[2]), "quantity": qty,
                "unit": r.choice(["pcs", "pcs", "units", "台", "sets"]), "value_usd": round(price * qty, 2)}

    def _hs_variant(self, hs: str) -> str:
        r = self.r.random()
        if r < 0.5:
            return hs
        if r < 0.7:
            return f"{hs[:4]}.{hs[4:]}"
        if r < 0.9:
            return hs + self.r.choice(["00", "10", "90", "0000"])
        return hs[:4]

    def _foreign_consignee(self, rec: dict[str, Any], sector: str = "electronics") -> None:
        r = self.r
        i = r.randrange(len(COUNTRIES))
        cc, port, city = COUNTRIES[i]
        if sector == "electronics":
            name = WESTERN[i] if r.random() < 0.6 else f"{r.choice(WORDS)} {city} Electronics"
        else:
            name = f"{r.choice(WORDS)} {city} {r.choice(['Foods', 'Home', 'Industrial', 'Materials', 'Apparel'])}"
        rec.update({"consignee_name": name,
                    "consignee_address": f"{r.randint(1, 200)} Main Street, {city}", "consignee_country": cc,
                    "port_of_discharge": port, "final_destination": city,
                    "end_user_name": name if r.random() < 0.7 else ""})

    def _cn_consignee(self, rec: dict[str, Any], zh: bool = False, sector: str = "electronics") -> None:
        r = self.r
        name, city = r.choice(self.cn_consignees[sector])
        rec.update({"consignee_name": name if not zh else f"{city[1]}{r.choice(ZH_WORDS)}科技有限公司",
                    "consignee_address": f"{self._street()}, {city[0]}, {city[2]}" if not zh
                    else f"{city[1]}{self._zh_street()}",
                    "consignee_country": "CN", "port_of_discharge": city[0], "final_destination": city[0],
                    "end_user_name": name})

    def _border_consignee(self, rec: dict[str, Any], style: str | None = None) -> None:
        r = self.r
        name, idx = r.choice(self.border_consignees)
        en, zh, py = BORDER[idx]
        style = style or r.choice(["en", "zh", "py"])
        addr = {"en": f"{self._street()}, {en}", "zh": f"{zh}{self._zh_street()}", "py": f"{py} {self._street()}"}[style]
        rec.update({"consignee_name": name if style != "zh" else f"{zh[3:6]}{r.choice(ZH_WORDS)}贸易有限公司",
                    "consignee_address": addr, "consignee_country": "CN",
                    "port_of_discharge": r.choice(["Dalian", "Dandong", "Yingkou", ""]),
                    "final_destination": {"en": en.split(",")[0], "zh": zh, "py": py}[style],
                    "end_user_name": r.choice(["", "", name])})

    # -- archetypes -----------------------------------------------------------------------------
    def ordinary(self) -> dict[str, Any]:
        r = self.r
        rec = self._base()
        kind = r.random()
        if kind < 0.45:  # electronics, foreign or Chinese buyers; RTX 4090s only outside China
            item = r.choice(ELECTRONICS)
            rec.update(self._goods(item, r.randint(5, 800)))
            if r.random() < 0.6 or "4090" in item[0]:
                self._foreign_consignee(rec)
            else:
                self._cn_consignee(rec)
        elif kind < 0.80:  # other goods
            item = r.choice(OTHER)
            zh = r.random() < 0.2
            rec.update(self._goods(item, r.randint(50, 20000), zh=zh))
            if r.random() < 0.5:
                self._foreign_consignee(rec, "other")
            else:
                self._cn_consignee(rec, zh=zh, sector="other")
        elif kind < 0.88:  # small electronics to border towns (local retail): should stay clear
            item = r.choice([e for e in ELECTRONICS if e[4] in ("phones", "computers", "storage", "consumer")])
            rec.update(self._goods(item, r.randint(1, 6)))
            rec["value_usd"] = min(float(rec["value_usd"]), 4000.0)
            self._border_consignee(rec)
            rec["end_user_name"] = rec["consignee_name"]
        elif kind < 0.94:  # non-electronics to the border
            item = r.choice([o for o in OTHER if o[4] in ("apparel", "food", "furniture", "tiles", "tyres")])
            rec.update(self._goods(item, r.randint(100, 5000), zh=r.random() < 0.3))
            self._border_consignee(rec)
        else:  # confounders: FTZ address, trading company with end user, cash for cheap goods
            item = r.choice(ELECTRONICS[:8] + OTHER)
            rec.update(self._goods(item, r.randint(10, 300)))
            self._foreign_consignee(rec, "electronics" if item in ELECTRONICS else "other")
            roll = r.random()
            if roll < 0.33:
                rec["consignee_address"] = r.choice(["Jebel Ali Free Zone, Dubai", "Shanghai Waigaoqiao Free Trade Zone",
                                                     "Tianjin Port Bonded Area"])
            elif roll < 0.66:
                rec["consignee_name"] = f"{r.choice(WORDS)} Logistics Ltd"
                rec["end_user_name"] = r.choice(WESTERN)
            else:
                rec["payment_terms"] = "Cash"
                rec["value_usd"] = min(float(rec["value_usd"]), 3000.0)
        return rec

    def planted(self, typology: str | None = None) -> dict[str, Any]:
        r = self.r
        typology = typology or r.choice(TYPOLOGIES)
        rec = self._base()
        rec["label"] = 1
        rec["planted"] = typology
        if typology == "border_consignee":
            if r.random() < 0.4:
                adv = r.choice(ADVANCED)
                rec.update(self._goods((adv[0], adv[1], adv[2], adv[3]), r.randint(1, 40)))
            else:
                item = r.choice([e for e in ELECTRONICS if e[4] in ("gpu", "computers", "phones", "network")])
                rec.update(self._goods(item, r.randint(300, 3000)))
            self._border_consignee(rec)
        elif typology == "misdeclared_gpu":
            adv = r.choice(ADVANCED + [(e[0], e[1], e[2], e[3]) for e in ELECTRONICS if e[4] == "gpu"])
            rec.update(self._goods((adv[0], adv[1], r.choice(MISDECLARE_HS), adv[3]), r.randint(5, 400),
                                   zh=r.random() < 0.3))
            (self._cn_consignee if r.random() < 0.6 else self._border_consignee)(rec)
        elif typology == "designated_party":
            item = r.choice(ELECTRONICS + OTHER)
            rec.update(self._goods(item, r.randint(10, 2000)))
            sector = "electronics" if item in ELECTRONICS else "other"
            if r.random() < 0.5:
                self._foreign_consignee(rec, sector)
            else:
                self._cn_consignee(rec, sector=sector)
            name = self.variant(r.choice(self.designated))
            role = r.choice(["consignee_name", "consignee_name", "end_user_name", "notify_party_name", "shipper_name"])
            rec[role] = name
        elif typology == "chinese_only":
            adv = r.choice(ADVANCED + [(e[0], e[1], e[2], e[3]) for e in ELECTRONICS if e[4] in ("computers", "phones")])
            rec.update(self._goods((adv[0], adv[1], r.choice([adv[2], adv[2], ""]), adv[3]), r.randint(50, 600), zh=True))
            if r.random() < 0.7:
                self._border_consignee(rec, "zh")
            else:
                place = r.choice(["平壤", "南浦", "新义州", "罗先"])
                rec.update({"consignee_name": f"朝鲜{r.choice(ZH_WORDS)}贸易会社", "consignee_address": f"朝鲜{place}",
                            "consignee_country": "", "final_destination": place, "end_user_name": ""})
        elif typology == "dprk_direct":
            item = r.choice(ELECTRONICS + OTHER[4:6] + [(a[0], a[1], a[2], a[3], "gpu") for a in ADVANCED])
            rec.update(self._goods(item, r.randint(5, 500)))
            place = r.choice(DPRK_PLACES)
            rec.update({"consignee_name": f"Korea {r.choice(WORDS)} Trading Corporation",
                        "consignee_address": place, "consignee_country": r.choice(["KP", "PRK", "North Korea", "", ""]),
                        "port_of_discharge": r.choice(["Nampo", "Dandong", "Sinuiju", ""]),
                        "final_destination": place, "end_user_name": ""})
        elif typology == "transshipment":
            item = r.choice([e for e in ELECTRONICS if e[4] in ("gpu", "computers", "phones", "network")])
            rec.update(self._goods(item, r.randint(20, 600)))
            hub = r.choice(HUBS)
            en, zh, py = r.choice(BORDER)
            cc, port, city = r.choice(COUNTRIES[3:])
            rec.update({"consignee_name": f"{r.choice(WORDS)} {city} Trading", "consignee_address": f"{self._street()}, {city}",
                        "consignee_country": r.choice([cc, cc, "CN"]), "port_of_discharge": hub[0],
                        "final_destination": r.choice([en, zh, py]), "end_user_name": ""})
        return rec

    def variant(self, name: str) -> str:
        """Another spelling of a listed name: case, punctuation, legal form, spacing, one typo."""
        r = self.r
        text = name
        subs = [("CORPORATION", "CORP."), ("COMPANY", "CO."), ("LIMITED", "LTD"), ("INTERNATIONAL", "INTL"),
                ("TRADING", "TRADE"), ("GENERAL", "GEN."), (" CO., LTD", " COMPANY LIMITED")]
        ops = r.sample(["case", "legal", "punct", "space", "typo", "none"], k=2)
        for op in ops:
            if op == "case":
                text = text.title() if r.random() < 0.7 else text.lower()
            elif op == "legal":
                for a, b in subs:
                    if a in text.upper():
                        idx = text.upper().index(a)
                        text = text[:idx] + b + text[idx + len(a):]
                        break
            elif op == "punct":
                text = text.replace(",", "").replace(".", "").replace("-", " ")
            elif op == "space":  # split a romanised Korean compound at a syllable end (RYONBONG -> RYON BONG)
                words = text.split()
                splits = [(i, j) for i, w in enumerate(words) for j in _syllable_splits(w)]
                if splits:
                    i, j = r.choice(splits)
                    words[i] = words[i][:j] + " " + words[i][j:]
                    text = " ".join(words)
            elif op == "typo":
                words = text.split()
                long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
                if long:
                    i = r.choice(long)
                    w = words[i]
                    j = r.randrange(1, len(w) - 1)
                    words[i] = w[:j] + w[j + 1:] if r.random() < 0.5 else w[:j] + w[j] + w[j:]
                    text = " ".join(words)
        return text

    def rows(self, n: int, planted_share: float = PLANTED_SHARE) -> Iterator[dict[str, Any]]:
        for _ in range(n):
            yield self.planted() if self.r.random() < planted_share else self.ordinary()


_VOWELS = set("aeiouy")


def _syllable_splits(word: str) -> list[int]:
    """Split points of a romanised Korean compound: after n/ng/m/k/l and before a consonant, both
    halves at least three letters (KWANGSON -> KWANG SON); English words rarely qualify."""
    w = word.lower()
    if not w.isalpha() or len(w) < 7:
        return []
    out = []
    for j in range(3, len(w) - 2):
        a, b = w[j - 1], w[j]
        ends = a in "mkl" or (a == "n" and b != "g") or (a == "g" and w[j - 2] == "n")
        if ends and b not in _VOWELS and a != b and w[j - 2] in _VOWELS | {"n"} and w[j + 1] in _VOWELS | {"h", "y", "w"}:
            out.append(j)
    return out


def designated_names(store: Any = None, limit: int | None = None) -> list[str]:
    """Names of DPRK-programme organisations and companies in the list store (the bundled lists once
    ``interdict lists load`` has run; :func:`bench.trade.run.ensure_store` does that)."""
    if store is None:
        from interdict.store import open_store

        store = open_store(read_only=True)
    names: set[str] = set()
    for ent in store.iter_entities(dprk_only=True):
        if ent.schema.name not in ("Organization", "Company", "LegalEntity"):
            continue
        caption = ent.caption
        if caption and len(caption) >= 10 and len(caption.split()) >= 2 and caption.isascii():
            names.add(caption)
    out = sorted(names)
    return out[:limit] if limit else out


def write(path: str | Path, n: int, seed: int, designated: list[str], planted_share: float = PLANTED_SHARE) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed, designated)
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        for row in gen.rows(n, planted_share):
            w.writerow(row)
    return p


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("output", help="CSV file to write")
    ap.add_argument("-n", type=int, default=10_000, help="number of shipments")
    ap.add_argument("--seed", type=int, default=7, help="random seed; another seed gives a held-out set")
    ap.add_argument("--planted-share", type=float, default=PLANTED_SHARE)
    args = ap.parse_args(argv)
    names = designated_names()
    write(args.output, args.n, args.seed, names, args.planted_share)
    print(f"wrote {args.n:,} shipments to {args.output} (seed {args.seed}, {len(names)} designated names)")


if __name__ == "__main__":
    main()
