"""HS 2022 checks and description classification (English, Chinese) with product models -> ECCN."""

import pytest

from interdict.trade.goods import categories, check_hs, classify, detect_models, hs_description, hs_fits


@pytest.mark.parametrize(
    "raw,root",
    [("847130", "847130"), ("8471.30", "847130"), ("8471.3", "847130"), ("84713000", "847130"),
     ("8471300010", "847130"), ("HS 8542.31", "854231"), (847130, "847130"), (847130.0, "847130"), ("8471", "8471"),
     ("85", "85")],
)
def test_valid_codes(raw, root):
    hs = check_hs(raw)
    assert hs.valid and hs.root == root


def test_lost_leading_zero_is_restored():
    hs = check_hs("10121")  # 010121 horses, as a spreadsheet shows it
    assert hs.valid and hs.code == "010121" and hs.repaired


@pytest.mark.parametrize("raw", ["847199", "9988", "abc", "84-71-30-1", "12345678901", "8471.3x"])
def test_invalid_codes_say_why(raw):
    hs = check_hs(raw)
    assert not hs.valid and hs.problem


def test_invalid_subheading_keeps_its_chapter():
    hs = check_hs("847199")
    assert hs.chapter == 84 and hs.heading == "8471"


@pytest.mark.parametrize("raw", [None, "", "  ", "nan", float("nan")])
def test_nothing_declared(raw):
    assert check_hs(raw) is None


def test_hs_description():
    assert "integrated circuits" in hs_description("8542").lower()
    assert hs_description("0000") is None


@pytest.mark.parametrize(
    "text,cat",
    [
        ("Graphics card RTX 4090 24GB", "gpu"),
        ("显卡 24G", "gpu"),
        ("NVIDIA H100 80GB PCIe", "gpu"),
        ("英伟达 A100 加速卡", "gpu"),
        ("GPU server 8x H100 SXM", "servers"),
        ("服务器 2U", "servers"),
        ("Intel Xeon processors", "processors"),
        ("中央处理器", "processors"),
        ("Laptop computers ThinkPad", "computers"),
        ("笔记本电脑", "computers"),
        ("Samsung Galaxy smartphones", "phones"),
        ("智能手机", "phones"),
        ("Cisco router", "network"),
        ("交换机", "network"),
        ("Solid state drive 2TB", "storage"),
        ("固态硬盘", "storage"),
        ("Rolex luxury watch", "watches"),
        ("diamond necklace jewellery", "jewellery"),
        ("游艇", "yachts"),
        ("Mercedes-Benz S-class sedan", "cars"),
        ("cognac", "spirits"),
        ("plastic toys", "toys"),
        ("frozen squid", "seafood"),
        ("anthracite coal", "coal"),
    ],
)
def test_classify(text, cat):
    assert classify(text).primary.id == cat


@pytest.mark.parametrize("text", ["phone case for iphone", "laptop bag", "手机壳", "GPU cooler fan", "", None, 42])
def test_accessories_and_junk_are_not_the_goods(text):
    c = classify(text)
    assert c.primary is None or c.primary.id not in ("phones", "computers", "gpu")


@pytest.mark.parametrize(
    "text,label,eccn",
    [
        ("NVIDIA A100 40GB", "NVIDIA A100", "3A090.a"),
        ("H100 SXM5 80GB", "NVIDIA H100", "3A090.a"),
        ("Nvidia H200 141GB", "NVIDIA H200", "3A090.a"),
        ("A800 PCIe 80GB", "NVIDIA A800", "3A090.a"),
        ("NVIDIA H800", "NVIDIA H800", "3A090.a"),
        ("NVIDIA H20 96GB", "NVIDIA H20", "3A090"),
        ("GeForce RTX 4090D", "NVIDIA GeForce RTX 4090D", "3A090"),
        ("RTX4090 显卡", "NVIDIA GeForce RTX 4090", "3A090"),
        ("AMD Instinct MI300X", "AMD Instinct MI-series", "3A090.a"),
        ("Huawei Ascend 910B", "Huawei Ascend 910B/910C/910D", "GP10 (BIS 2025-05-13 guidance)"),
        ("server with 8x NVIDIA H100", "NVIDIA H100", "4A090.a"),
    ],
)
def test_models(text, label, eccn):
    found = {m.model.label: m.eccn for m in detect_models(text)}
    assert found.get(label) == eccn, found


@pytest.mark.parametrize("text", ["H20 water bottles", "A100 steel bolts", "RTX cable 4090mm?", "MI300 mm screws"])
def test_models_need_context(text):
    assert not [m for m in detect_models(text) if m.model.label in ("NVIDIA H20", "NVIDIA A100", "AMD Instinct MI-series")]


def test_hs_fits():
    gpu = categories()["gpu"]
    assert hs_fits(gpu, check_hs("847330"))
    assert hs_fits(gpu, check_hs("854231"))
    assert not hs_fits(gpu, check_hs("950300"))
    assert not hs_fits(gpu, check_hs("392690"))
