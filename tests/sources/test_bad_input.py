"""Bad list files: refused with a message naming the file and line/record; never a traceback
from the CLI, never a half-loaded version."""

from __future__ import annotations

import gzip
import lzma
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from interdict.exc import SourceError
from interdict.sources import bundled_snapshot, read_source
from interdict.sources.un_sc import read_un_sc

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol4;</FIRST_NAME>
<REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""


def xxe(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "{target}"> ]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME>
<REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
""".encode()


@pytest.fixture(scope="module")
def un_bytes() -> bytes:
    return lzma.decompress(bundled_snapshot("un_sc").paths()[0].read_bytes())


@pytest.fixture(scope="module")
def sdn_bytes() -> bytes:
    return lzma.decompress(bundled_snapshot("us_ofac_sdn").paths()[0].read_bytes())


def test_billion_laughs_refused(tmp_path):
    path = tmp_path / "laughs.xml"
    path.write_bytes(BILLION_LAUGHS)
    with pytest.raises(SourceError, match=r"laughs\.xml: refused: the XML declares a DTD"):
        read_un_sc(path)


@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://127.0.0.1:9/evil.dtd"])
def test_external_entity_refused(tmp_path, target):
    path = tmp_path / "xxe.xml"
    path.write_bytes(xxe(target))
    with pytest.raises(SourceError, match="refused") as info:
        read_un_sc(path)
    assert "root:" not in str(info.value)


def test_truncated_xml_names_line(tmp_path, un_bytes):
    path = tmp_path / "consolidated.xml"
    path.write_bytes(un_bytes[: len(un_bytes) // 2])
    with pytest.raises(SourceError, match=r"consolidated\.xml: line \d+, column \d+: malformed or truncated XML"):
        read_un_sc(path)


def test_wrong_list_for_un(tmp_path, sdn_bytes):
    path = tmp_path / "consolidated.xml"
    path.write_bytes(b"<?xml version='1.0'?><sdnList><sdnEntry/></sdnList>")
    with pytest.raises(SourceError, match="not a UN Security Council consolidated list"):
        read_un_sc(path)
    path.write_bytes(sdn_bytes[:5000])
    with pytest.raises(SourceError, match="line 1"):
        read_un_sc(path)


def test_ofac_wrong_columns_names_line(tmp_path, sdn_bytes):
    lines = sdn_bytes.split(b"\r\n")
    lines[41] = b'99999,"BROKEN ROW","individual"'
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(SourceError, match=r"sdn\.csv: .*line 42: expected 12 columns for an OFAC main file, found 3"):
        read_source("us_ofac_sdn", [path])


def test_ofac_file_of_the_wrong_kind(tmp_path):
    add = lzma.decompress(bundled_snapshot("us_ofac_sdn").paths()[1].read_bytes())
    path = tmp_path / "sdn.csv"
    path.write_bytes(add)
    with pytest.raises(SourceError, match="line 1: expected 12 columns .* looks like an OFAC add file"):
        read_source("us_ofac_sdn", [path])
    csl = gzip.decompress(bundled_snapshot("us_csl").paths()[0].read_bytes())
    path.write_bytes(csl[:20000])
    with pytest.raises(SourceError, match="line 1: expected 12 columns"):
        read_source("us_ofac_sdn", [path])
    cons = tmp_path / "cons_prim.csv"
    cons.write_bytes(b'1,"X","individual","NS-PLC",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    with pytest.raises(SourceError, match="non-SDN consolidated list, not the SDN list"):
        read_source("us_ofac_sdn", [cons])


def test_wrong_encoding(tmp_path, sdn_bytes):
    path = tmp_path / "sdn.csv"
    path.write_bytes(sdn_bytes[:3000].decode("latin-1").encode("utf-16"))
    with pytest.raises(SourceError, match="wrong encoding: looks like UTF-16"):
        read_source("us_ofac_sdn", [path])
    csl = gzip.decompress(bundled_snapshot("us_csl").paths()[0].read_bytes())
    lines = csl.split(b"\n")
    lines[5] = lines[5].replace(b",", b",\xff\xfe", 1)
    bad = tmp_path / "consolidated.csv"
    bad.write_bytes(b"\n".join(lines[:50]))
    with pytest.raises(SourceError, match=r"consolidated\.csv: line 6: wrong encoding"):
        read_source("us_csl", [bad])


def test_csl_wrong_columns(tmp_path, sdn_bytes):
    path = tmp_path / "consolidated.csv"
    path.write_bytes(sdn_bytes[:4000])
    with pytest.raises(SourceError, match="line 1: wrong columns .* looks like an OFAC legacy CSV"):
        read_source("us_csl", [path])


@pytest.mark.parametrize("source,name", [("un_sc", "c.xml"), ("us_ofac_sdn", "sdn.csv"), ("us_csl", "c.csv"), ("mylist", "x.json")])
def test_empty_file(tmp_path, source, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read_source(source, [path])


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        read_source("un_sc", [tmp_path / "nope.xml"])
    with pytest.raises(SourceError, match="is a directory"):
        read_source("un_sc", [tmp_path])


def test_size_cap_applies_after_decompression(tmp_path, un_bytes):
    path = tmp_path / "consolidated.xml.gz"
    path.write_bytes(gzip.compress(un_bytes))
    with pytest.raises(SourceError, match="larger than the limit"):
        read_source("un_sc", [path], max_bytes=100_000)
    assert read_source("un_sc", [path]).records == 1003


def test_ftm_malformed_line(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text('{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "b", "schema": \n')
    with pytest.raises(SourceError, match=r"mine\.json: not a valid FtM JSON lines file: .*line 2: malformed JSON"):
        read_source("mylist", [path])
    path.write_text('{"id": "a", "schema": "Starship", "properties": {}}\n')
    with pytest.raises(SourceError, match="line 1: unknown FtM schema 'Starship'"):
        read_source("mylist", [path])


@pytest.mark.slow
def test_cli_bad_file_has_no_traceback(tmp_path, un_bytes):
    """A real `interdict lists load` on a truncated file: one red line, exit 1, no traceback,
    nothing loaded."""
    path = tmp_path / "consolidated.xml"
    path.write_bytes(un_bytes[:100_000])
    env = {"INTERDICT_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "interdict.cli.main", "lists", "load", "--source", "un_sc", "--file", str(path)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "consolidated.xml: line" in proc.stderr and "malformed or truncated XML" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "interdict.cli.main", "lists", "status", "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0
    assert '"loaded": true' not in proc.stdout

_SEEDS = [
    b"", b"<?xml version='1.0'?>", b"<CONSOLIDATED_LIST>", b"<INDIVIDUAL><REFERENCE_NUMBER>KPi.1</REFERENCE_NUMBER>",
    b'12345,"NAME","individual","DPRK",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1970"\r\n', b"\x1a", b"-0-",
    b"_id,source,name,type,programs,alt_names,addresses,ids\n", b'{"id": "x", "schema": "Person"}\n', b'"', b",",
    b"\xff\xfe", b"\x00", b"\r\n", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"{\"results\": [", "Ünïcødé".encode(),
]


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.one_of(st.sampled_from(_SEEDS), st.binary(max_size=40)), max_size=12).map(b"".join),
    st.sampled_from([("un_sc", "c.xml"), ("us_ofac_sdn", "sdn.csv"), ("us_csl", "c.csv"), ("own", "x.json")]),
)
def test_any_bytes_give_a_result_or_a_source_error(tmp_path, data, target):
    """Whatever the bytes, a reader returns a result or raises SourceError, nothing else."""
    source, name = target
    path = tmp_path / name
    path.write_bytes(data)
    try:
        result = read_source(source, [path])
    except SourceError as exc:
        assert str(exc)
    else:
        assert result.records >= 0


def test_un_wrong_encoding_names_line(tmp_path, un_bytes):
    path = tmp_path / "consolidated.xml"
    text = un_bytes.decode("utf-8")
    path.write_bytes(text.encode("cp1252", errors="replace"))  # re-saved as Windows-1252
    with pytest.raises(SourceError, match=r"consolidated\.xml: line \d+: wrong encoding: byte 0x[0-9a-f]{2} is not valid UTF-8"):
        read_un_sc(path)
    path.write_bytes(text[:5000].encode("utf-16"))
    with pytest.raises(SourceError, match="wrong encoding: looks like UTF-16"):
        read_un_sc(path)
