"""DPRK places and the Chinese border geography of section 6, in English, pinyin, Chinese and Korean.

``find_places(text)`` returns every known place named in a free-text address or port field;
``match_place(text)`` returns the most specific one. ``place_for_region_code("222401")`` maps a
GB/T 2260 code (the one inside a Unified Social Credit Code or a resident ID) to its county, and
``place_for_uscc`` / ``place_for_resident_id`` do both steps.

Sources (domain register ids): S80 GB/T 2260 codes (grade A), S81/S82 border status and ports
(grade A/B/C per row of section 6), S40/S46/S53 for the hubs. Place names that are shared with
other places in China or Korea (Ji'an in Jiangxi, Longjing tea, Hekou in Yunnan, Namyang in the
ROK, ...) need a context word or are skipped when another province is named; see ``_Alias``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from interdict.trade.identifiers import resident_id_region, uscc_region

__all__ = [
    "Place",
    "PLACES",
    "find_places",
    "match_place",
    "place_for_region_code",
    "place_for_uscc",
    "place_for_resident_id",
    "is_dprk_country",
    "normalize_text",
    "BORDER_CODES",
    "HUB_CODES",
]


@dataclass(frozen=True)
class Place:
    """A named place with the flags the trade rules use."""

    key: str
    name: str
    name_zh: str | None
    kind: str  # country, dprk_city, prefecture, county, port, trade_zone
    country: str  # ISO alpha-2, lower case
    prefecture: str | None = None
    province: str | None = None
    code: str | None = None  # GB/T 2260 code (China only)
    is_border: bool = False  # a Chinese county-level unit or port on the DPRK border
    is_hub: bool = False  # Shenyang, Dalian, Yanji...: DPRK-nexus hubs, not border
    is_dprk: bool = False
    pinyin: str | None = None
    name_ko: str | None = None
    opposite: str | None = None  # DPRK place across the border
    source_id: str = "S80"
    grade: str = "A"
    note: str | None = None
    aliases: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def label(self) -> str:
        zh = f" ({self.name_zh})" if self.name_zh else ""
        return f"{self.name}{zh}"

    def to_dict(self) -> dict[str, object]:
        out = {
            "key": self.key,
            "name": self.name,
            "name_zh": self.name_zh,
            "kind": self.kind,
            "country": self.country,
            "prefecture": self.prefecture,
            "code": self.code,
            "is_border": self.is_border,
            "is_hub": self.is_hub,
            "is_dprk": self.is_dprk,
            "source_id": self.source_id,
            "grade": self.grade,
        }
        return {k: v for k, v in out.items() if v not in (None, False)}


@dataclass(frozen=True)
class _Alias:
    text: str  # normalised (Latin) or raw (CJK/Hangul)
    place: str
    requires: tuple[str, ...] = ()  # at least one must also appear in the text
    excludes: tuple[str, ...] = ()  # none may appear in the text
    cjk: bool = False


_SPECIFICITY = {"port": 5, "trade_zone": 5, "county": 4, "dprk_city": 4, "prefecture": 2, "country": 1}

# --- the table -------------------------------------------------------------------------------

_P: list[Place] = []
_A: list[_Alias] = []


def _add(place: Place, latin: list[str] | tuple[str, ...] = (), cjk: list[str] | tuple[str, ...] = (),
         requires: tuple[str, ...] = (), excludes: tuple[str, ...] = (),
         cjk_requires: tuple[str, ...] = (), cjk_excludes: tuple[str, ...] = ()) -> None:
    _P.append(place)
    for a in latin:
        _A.append(_Alias(normalize_text(a), place.key, requires, excludes))
    for a in cjk:
        _A.append(_Alias(a, place.key, cjk_requires, cjk_excludes, cjk=True))


def normalize_text(text: str) -> str:
    """Lower-case ASCII-folded text with apostrophes removed and other punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("'", "").replace("\u2019", "").replace("`", "")
    text = re.sub(r"[^0-9a-z\u3131-\u318e\uac00-\ud7a3\u4e00-\u9fff]+", " ", text)
    return f" {text.strip()} "


# Context words (normalised Latin or CJK) used to disambiguate.
_DPRK_CTX = ("north korea", "dprk", "d p r k", "korea dpr", "democratic peoples republic", "朝鲜", "조선", "북한")
_DANDONG_CTX = ("dandong", "丹东", "丹東", "liaoning", "辽宁")
_YANBIAN_CTX = ("yanbian", "延边", "jilin", "吉林", "helong", "longjing", "和龙", "龙井")

# DPRK: the country itself
_add(Place("kp", "North Korea (DPRK)", "朝鲜", "country", "kp", is_dprk=True, name_ko="조선", source_id="S01", grade="A"),
     ["north korea", "dprk", "d p r k", "korea dpr", "dpr korea", "korea north", "korea democratic peoples republic",
      "democratic peoples republic of korea", "democratic people s republic of korea", "nord korea", "nordkorea",
      "coree du nord", "corea del norte"],
     ["朝鲜民主主义人民共和国", "朝鮮民主主義人民共和国", "北朝鲜", "北韩", "北韓", "조선민주주의인민공화국", "북한", "北朝鮮"])
# 朝鲜 alone, but not 朝鲜族 (Korean ethnic group: 长白朝鲜族自治县, 延边朝鲜族自治州)
_A.append(_Alias("朝鲜(?!族)", "kp", cjk=True))
_A.append(_Alias("朝鮮(?!族)", "kp", cjk=True))

_DPRK_CITIES: list[tuple[str, str, str | None, str, list[str], bool]] = [
    # key, English, Chinese (None when shared with a Chinese place), Korean, Latin variants, needs DPRK context
    ("pyongyang", "Pyongyang", "平壤", "평양", ["pyongyang", "pyeongyang", "pjongjang", "pyong yang", "pingrang"], False),
    ("nampo", "Nampo", None, "남포", ["nampo", "nampho", "nam po", "namp o"], False),
    ("sinuiju", "Sinuiju", "新义州", "신의주", ["sinuiju", "sinuju", "sineuiju", "shinuiju", "sinhuiju", "xinyizhou"], False),
    ("rason", "Rason (Rajin-Sonbong)", "罗先", "라선", ["rason", "rajin sonbong", "rajin", "sonbong", "luoxian", "najin"], False),
    ("chongjin", "Chongjin", "清津", "청진", ["chongjin", "cheongjin", "qingjin"], False),
    ("hyesan", "Hyesan", None, "혜산", ["hyesan"], False),
    ("manpo", "Manpo", "满浦", "만포", ["manpo", "manpho", "manpu"], False),
    ("wonsan", "Wonsan", "元山", "원산", ["wonsan", "weonsan", "yuanshan"], False),
    ("hamhung", "Hamhung", "咸兴", "함흥", ["hamhung", "hamheung", "xianxing"], False),
    ("kaesong", "Kaesong", "开城", "개성", ["kaesong", "gaeseong", "kaicheng"], False),
    ("haeju", "Haeju", None, "해주", ["haeju"], False),
    ("kimchaek", "Kimchaek", "金策", "김책", ["kimchaek", "gimchaek", "jince"], False),
    ("kanggye", "Kanggye", "江界", "강계", ["kanggye", "ganggye"], False),
    ("sariwon", "Sariwon", "沙里院", "사리원", ["sariwon"], False),
    ("uiju", "Uiju", None, "의주", ["uiju"], False),
    ("musan", "Musan", None, "무산", ["musan"], True),
    ("hoeryong", "Hoeryong", None, "회령", ["hoeryong", "hoeryeong"], False),
    ("onsong", "Onsong", "稳城", "온성", ["onsong", "onseong"], False),
    ("namyang", "Namyang", None, "남양", ["namyang"], True),
    ("chunggang", "Chunggang", None, "중강", ["chunggang", "junggang"], False),
    ("sakju", "Sakju", None, "삭주", ["sakju"], False),
    ("samjiyon", "Samjiyon", "三池渊", "삼지연", ["samjiyon", "samjiyeon"], False),
    ("tumangang", "Tumangang", "豆满江", "두만강", ["tumangang"], False),
    ("songnim", "Songnim", "松林", "송림", ["songnim"], True),
    ("anju", "Anju", None, "안주", ["anju"], True),
]
for key, en, zh, ko, latin, needs_ctx in _DPRK_CITIES:
    _add(Place(key, en, zh, "dprk_city", "kp", is_dprk=True, name_ko=ko, source_id="S81", grade="B"),
         latin, ([zh] if zh else []) + [ko],
         requires=_DPRK_CTX if needs_ctx else (),
         excludes=("south korea", "republic of korea", "gyeonggi", "hwaseong", "seoul"),
         cjk_requires=_DPRK_CTX if needs_ctx else ())

# China: border prefecture-level units (section 6.1)
_add(Place("dandong", "Dandong", "丹东市", "prefecture", "cn", "Dandong", "Liaoning", "2106", is_border=True,
           pinyin="Dandong", opposite="Sinuiju", source_id="S81", grade="A",
           note="city core on the Yalu opposite Sinuiju; about 70% of China's export trade to the DPRK (TP-01)"),
     ["dandong", "tantung", "antung"], ["丹东", "丹東"])
_add(Place("yanbian", "Yanbian Korean Autonomous Prefecture", "延边朝鲜族自治州", "prefecture", "cn", "Yanbian", "Jilin",
           "2224", pinyin="Yanbian", source_id="S80", grade="A",
           note="prefecture with five DPRK-border county-level units"),
     ["yanbian"], ["延边", "延邊"])
_add(Place("tonghua", "Tonghua", "通化市", "prefecture", "cn", "Tonghua", "Jilin", "2205", pinyin="Tonghua",
           note="prefecture of Ji'an"), ["tonghua"], ["通化"])
_add(Place("baishan", "Baishan", "白山市", "prefecture", "cn", "Baishan", "Jilin", "2206", pinyin="Baishan",
           note="prefecture of Linjiang and Changbai"), ["baishan"], ["白山市"])

# China: county-level units (section 6.1); (key, English, Chinese, pinyin, code, prefecture, province,
# border?, DPRK opposite, grade, latin aliases, cjk aliases, latin requires, latin excludes, cjk requires, cjk excludes)
_COUNTIES = [
    ("yuanbao", "Yuanbao District", "元宝区", "Yuanbao Qu", "210602", "Dandong", "Liaoning", True, "Sinuiju", "A",
     ["yuanbao district", "yuanbao qu"], ["元宝区", "元寶區"], (), (), (), ()),
    ("zhenxing", "Zhenxing District", "振兴区", "Zhenxing Qu", "210603", "Dandong", "Liaoning", True, "Sinuiju", "A",
     ["zhenxing district", "zhenxing qu", "zhenxing"], ["振兴区", "振興區"], _DANDONG_CTX, (), (), ()),
    ("zhenan", "Zhen'an District", "振安区", "Zhen'an Qu", "210604", "Dandong", "Liaoning", True, "Sinuiju / Uiju", "A",
     ["zhenan district", "zhen an district", "zhenan qu", "zhenan"], ["振安区", "振安區"], _DANDONG_CTX, (), (), ()),
    ("donggang", "Donggang City", "东港市", "Donggang Shi", "210681", "Dandong", "Liaoning", True, "Sinuiju / Yongchon",
     "A", ["donggang"], ["东港市", "東港市", "东港"], (), ("rizhao", "shandong", "taiwan", "pingtung"), (),
     ("日照", "山东", "台湾", "屏东", "屏東")),
    ("kuandian", "Kuandian Manchu Autonomous County", "宽甸满族自治县", "Kuandian Manzu Zizhixian", "210624", "Dandong",
     "Liaoning", True, "Sakju / Chongsong", "A", ["kuandian"], ["宽甸", "寬甸"], (), (), (), ()),
    ("fengcheng", "Fengcheng City", "凤城市", "Fengcheng Shi", "210682", "Dandong", "Liaoning", False, None, "B",
     ["fengcheng"], ["凤城市", "鳳城市"], _DANDONG_CTX, (), (), ()),
    ("jian", "Ji'an City", "集安市", "Ji'an Shi", "220582", "Tonghua", "Jilin", True, "Manpo", "A",
     ["jian", "ji an"], ["集安"], ("jilin", "tonghua", "吉林", "通化", "port", "customs", "manpo", "yalu"),
     ("jiangxi", "江西"), (), ()),
    ("linjiang", "Linjiang City", "临江市", "Linjiang Shi", "220681", "Baishan", "Jilin", True, "Chunggang", "A",
     ["linjiang"], ["临江市", "臨江市", "临江口岸"], (), ("chongqing", "jiangxi", "zhejiang"), (), ()),
    ("changbai", "Changbai Korean Autonomous County", "长白朝鲜族自治县", "Changbai Chaoxianzu Zizhixian", "220623",
     "Baishan", "Jilin", True, "Hyesan", "A", ["changbai county", "changbai"], ["长白(?!山)", "長白(?!山)"],
     (), ("changbai mountain", "changbaishan"), (), ()),
    ("tumen", "Tumen City", "图们市", "Tumen Shi", "222402", "Yanbian", "Jilin", True, "Namyang", "A",
     ["tumen"], ["图们", "圖們"], (), (), (), ()),
    ("hunchun", "Hunchun City", "珲春市", "Hunchun Shi", "222404", "Yanbian", "Jilin", True, "Wonjong (Rason)", "A",
     ["hunchun"], ["珲春", "琿春"], (), (), (), ()),
    ("longjing", "Longjing City", "龙井市", "Longjing Shi", "222405", "Yanbian", "Jilin", True, "Hoeryong", "A",
     ["longjing"], ["龙井(?!茶)", "龍井(?!茶)"], _YANBIAN_CTX + ("yanji", "延吉"),
     ("hangzhou", "taichung", "tea", "xihu"), (), ("杭州", "西湖", "台中", "臺中")),
    ("helong", "Helong City", "和龙市", "Helong Shi", "222406", "Yanbian", "Jilin", True, "Musan / Samjang", "A",
     ["helong"], ["和龙", "和龍"], (), (), (), ()),
    ("antu", "Antu County", "安图县", "Antu Xian", "222426", "Yanbian", "Jilin", True, "Samjiyon (Ryanggang)", "B",
     ["antu county", "antu"], ["安图", "安圖"], (), (), (), ()),
    ("yanji", "Yanji City", "延吉市", "Yanji Shi", "222401", "Yanbian", "Jilin", False, None, "A",
     ["yanji"], ["延吉"], (), (), (), ()),
    ("dunhua", "Dunhua City", "敦化市", "Dunhua Shi", "222403", "Yanbian", "Jilin", False, None, "B",
     ["dunhua"], ["敦化"], (), (), (), ()),
    ("wangqing", "Wangqing County", "汪清县", "Wangqing Xian", "222424", "Yanbian", "Jilin", False, None, "B",
     ["wangqing"], ["汪清"], (), (), (), ()),
]
for (key, en, zh, py, code, pref, prov, border, opp, grade, latin, cjk, req, exc, creq, cexc) in _COUNTIES:
    _add(Place(key, en, zh, "county", "cn", pref, prov, code, is_border=border, is_hub=(key == "yanji"),
               pinyin=py, opposite=opp, source_id="S80" if not border else ("S82" if grade == "B" else "S81"),
               grade=grade, note="IT-front hub (Yanbian Silverstar, S40)" if key == "yanji" else None),
         latin, cjk, req, exc, creq, cexc)

# Non-border hubs (section 6.1, G-02, grade B)
_add(Place("shenyang", "Shenyang", "沈阳市", "prefecture", "cn", "Shenyang", "Liaoning", "2101", is_hub=True,
           pinyin="Shenyang", source_id="S46", grade="B",
           note="Shenyang Geumpungri, Osong representative, Jinxiang office"),
     ["shenyang", "mukden"], ["沈阳", "瀋陽", "沈陽"])
_add(Place("dalian", "Dalian", "大连市", "prefecture", "cn", "Dalian", "Liaoning", "2102", is_hub=True,
           pinyin="Dalian", source_id="S53", grade="B", note="Sobaeksu; Dalian shipping and forwarders"),
     ["dalian", "dairen", "talien"], ["大连", "大連"])
_add(Place("pingxiang", "Pingxiang City (Guangxi)", "凭祥市", "county", "cn", "Chongzuo", "Guangxi", "451481",
           is_hub=True, pinyin="Pingxiang Shi", source_id="S53", grade="B",
           note="Dandong Xianghe alternate address (China-Vietnam border)"),
     ["pingxiang"], ["凭祥", "憑祥"], requires=("guangxi", "chongzuo", "vietnam"), excludes=("jiangxi",))

# Border ports and crossings (section 6.2)
_PORTS = [
    ("port-dandong", "Dandong port of entry", "丹东口岸", "Dandong", "210603", "Sinuiju", "S81", "A",
     ["dandong port of entry", "dandong border crossing", "sino korean friendship bridge", "new yalu river bridge"],
     ["丹东口岸", "中朝友谊桥", "新鸭绿江大桥"]),
    ("port-dadonggang", "Dandong seaport (Dadonggang)", "丹东港", "Dandong", "210681", "Nampo (sea)", "S82", "B",
     ["dadonggang", "dandong port", "port of dandong"], ["丹东港", "大东港", "丹東港"]),
    ("port-taipingwan", "Taipingwan crossing", "太平湾口岸", "Dandong", "210624", "Sakju", "S81", "C",
     ["taipingwan"], ["太平湾"]),
    ("port-hekou", "Hekou (Changdian) crossing", "长甸河口", "Dandong", "210624", "Chongsong", "S82", "B",
     ["changdian hekou", "hekou kuandian"], ["长甸河口", "长甸镇河口"]),
    ("port-jian", "Ji'an port of entry", "集安口岸", "Tonghua", "220582", "Manpo", "S81", "A",
     ["jian port", "ji an port"], ["集安口岸"]),
    ("port-linjiang", "Linjiang port of entry", "临江口岸", "Baishan", "220681", "Chunggang", "S81", "B",
     ["linjiang port"], ["临江口岸"]),
    ("port-changbai", "Changbai port of entry", "长白口岸", "Baishan", "220623", "Hyesan", "S81", "A",
     ["changbai port"], ["长白口岸"]),
    ("port-guchengli", "Guchengli port of entry", "古城里口岸", "Yanbian", "222406", "Samjang", "S82", "A",
     ["guchengli"], ["古城里"]),
    ("port-nanping", "Nanping port of entry", "南坪口岸", "Yanbian", "222406", "Musan", "S82", "A",
     ["nanping port"], ["南坪口岸"]),
    ("port-sanhe", "Sanhe port of entry", "三合口岸", "Yanbian", "222405", "Hoeryong", "S82", "A",
     ["sanhe port"], ["三合口岸"]),
    ("port-kaishantun", "Kaishantun port of entry", "开山屯口岸", "Yanbian", "222405", "Sambong (Onsong)", "S82", "B",
     ["kaishantun"], ["开山屯"]),
    ("port-tumen", "Tumen port of entry", "图们口岸", "Yanbian", "222402", "Namyang", "S82", "A",
     ["tumen port"], ["图们口岸"]),
    ("port-shatuozi", "Shatuozi port of entry", "沙坨子口岸", "Yanbian", "222404", "Saebyol (Kyongwon)", "S82", "A",
     ["shatuozi"], ["沙坨子"]),
    ("port-quanhe", "Quanhe port of entry", "圈河口岸", "Yanbian", "222404", "Wonjong (Rason)", "S81", "A",
     ["quanhe"], ["圈河"]),
    ("port-shuangmufeng", "Shuangmufeng crossing", "双目峰", "Yanbian", "222426", "Samjiyon", "S81", "C",
     ["shuangmufeng"], ["双目峰"]),
]
for key, en, zh, pref, code, opp, src, grade, latin, cjk in _PORTS:
    _add(Place(key, en, zh, "port", "cn", pref, "Liaoning" if code.startswith("21") else "Jilin", code,
               is_border=True, opposite=opp, source_id=src, grade=grade), latin, cjk)
_add(Place("guomenwan", "Guomenwan China-DPRK border trade zone", "国门湾", "trade_zone", "cn", "Dandong", "Liaoning",
           "210603", is_border=True, pinyin="Guomenwan", source_id="S82", grade="B",
           note="border-resident duty-free trade zone opened 2015-10 (TP-11)"),
     ["guomenwan"], ["国门湾", "國門灣"])

PLACES: dict[str, Place] = {p.key: p for p in _P}
# Place objects carry their aliases for documentation.
for _k, _p in list(PLACES.items()):
    object.__setattr__(_p, "aliases", tuple(a.text.strip() for a in _A if a.place == _k))

BORDER_CODES: frozenset[str] = frozenset(
    p.code for p in _P if p.kind == "county" and p.is_border and p.code
)
HUB_CODES: dict[str, str] = {"2101": "shenyang", "2102": "dalian", "222401": "yanji", "451481": "pingxiang"}
_BY_CODE: dict[str, Place] = {}
for _p in _P:
    if _p.code and _p.kind in ("county", "prefecture") and _p.code not in _BY_CODE:
        _BY_CODE[_p.code] = _p


def _compile() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, list[_Alias]], list[list[_Alias]]]:
    latin = sorted({a.text.strip() for a in _A if not a.cjk}, key=len, reverse=True)
    latin_re = re.compile(r"(?<= )(" + "|".join(re.escape(t) for t in latin) + r")(?= )")
    by_latin: dict[str, list[_Alias]] = {}
    for a in _A:
        if not a.cjk:
            by_latin.setdefault(a.text.strip(), []).append(a)
    # CJK aliases are small regexes (some with lookaheads); one named group each, longest first.
    patterns = sorted({a.text for a in _A if a.cjk}, key=len, reverse=True)
    groups: list[list[_Alias]] = [[a for a in _A if a.cjk and a.text == p] for p in patterns]
    cjk_re = re.compile("|".join(f"(?P<c{i}>{p})" for i, p in enumerate(patterns)))
    return latin_re, cjk_re, by_latin, groups


_LATIN_RE, _CJK_RE, _BY_LATIN, _CJK_GROUPS = _compile()
_CJK_ANY = re.compile(r"[\u4e00-\u9fff\uac00-\ud7a3]")


def _context_ok(alias: _Alias, norm: str, raw: str) -> bool:
    def present(word: str) -> bool:
        if _CJK_ANY.search(word):
            return word in raw
        return f" {word} " in norm

    if alias.requires and not any(present(w) for w in alias.requires):
        return False
    return not (alias.excludes and any(present(w) for w in alias.excludes))


@lru_cache(maxsize=65536)
def _find(text: str) -> tuple[Place, ...]:
    norm = normalize_text(text)
    found: list[tuple[int, Place]] = []
    seen: set[str] = set()

    def take(pos: int, aliases: list[_Alias]) -> None:
        for alias in aliases:
            if alias.place not in seen and _context_ok(alias, norm, text):
                seen.add(alias.place)
                found.append((pos, PLACES[alias.place]))

    for m in _LATIN_RE.finditer(norm):
        take(m.start(), _BY_LATIN.get(m.group(1), []))
    if _CJK_ANY.search(text):
        for m in _CJK_RE.finditer(text):
            take(m.start() + 10_000, _CJK_GROUPS[int(m.lastgroup[1:])])
    found.sort(key=lambda t: t[0])
    return tuple(p for _, p in found)


def find_places(text: object) -> list[Place]:
    """Every known place named in ``text`` (English, pinyin, Chinese or Korean), in order of appearance."""
    if not isinstance(text, str) or not text.strip():
        return []
    return list(_find(text[:2000]))


def match_place(text: object) -> Place | None:
    """The most specific known place named in ``text`` (port > county/DPRK city > prefecture > country)."""
    places = find_places(text)
    if not places:
        return None
    return max(places, key=lambda p: (_SPECIFICITY.get(p.kind, 0), -places.index(p)))


def place_for_region_code(code: object) -> Place | None:
    """Map a GB/T 2260 code (6 digits, or a 4-digit prefecture) to a known county or prefecture."""
    if code is None:
        return None
    text = str(code).strip()
    if not text.isdigit() or len(text) not in (4, 6):
        return None
    if text in _BY_CODE:
        return _BY_CODE[text]
    return _BY_CODE.get(text[:4])


def place_for_uscc(uscc: object) -> Place | None:
    """The county or prefecture of a (check-digit valid) Unified Social Credit Code's registering authority."""
    region = uscc_region(uscc)
    return place_for_region_code(region) if region else None


def place_for_resident_id(rid: object) -> Place | None:
    """The county or prefecture where a (check-digit valid) PRC resident ID was registered."""
    region = resident_id_region(rid)
    return place_for_region_code(region) if region else None


_DPRK_COUNTRY_CODES = {"kp", "prk", "408", "north korea", "korea north", "korea, north", "dprk", "korea dpr"}


def is_dprk_country(value: object) -> bool:
    """True when a country field names the DPRK: ISO codes KP/PRK/408 or a DPRK country name."""
    if not isinstance(value, str) or not value.strip():
        return False
    v = value.strip().lower()
    if v in _DPRK_COUNTRY_CODES:
        return True
    return any(p.key == "kp" for p in find_places(value))
