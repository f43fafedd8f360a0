"""`lists update` against a local HTTP server on 127.0.0.1 serving the real bundled files.
No test touches the internet."""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from interdict import lists
from interdict.exc import SourceError
from interdict.store import open_store


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def server(tmp_path, plain):
    root = tmp_path / "www"
    (root / "cons").mkdir(parents=True)
    un = plain("un_sc")[0]
    (root / "consolidated.xml").write_bytes(un.read_bytes())
    for f in plain("us_ofac_cons"):
        (root / "cons" / f.name).write_bytes(f.read_bytes())
    (root / "truncated.xml").write_bytes(un.read_bytes()[:50_000])
    handler = functools.partial(_Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_update_downloads_verifies_and_loads(server, fresh_settings):
    settings = replace(fresh_settings, source_urls={"us_ofac_cons": server + "/cons/"})
    reports = lists.update(
        ["un_sc", "us_ofac_cons"], urls={"un_sc": server + "/consolidated.xml"}, settings=settings
    )
    assert [(r.source, r.status, r.entities) for r in reports] == [
        ("un_sc", "loaded", 1003),
        ("us_ofac_cons", "loaded", 442),
    ]
    with open_store(settings) as store:
        cur = store.current_versions()
        assert cur["un_sc"].origin == "url:" + server + "/consolidated.xml"
        assert cur["un_sc"].sha256 == "66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf"
        assert {f["role"] for f in cur["us_ofac_cons"].files} == {"main", "add", "alt", "comments"}
    # a second update of unchanged files is a no-op
    again = lists.update(["un_sc"], urls={"un_sc": server + "/consolidated.xml"}, settings=settings)
    assert again[0].status == "unchanged"


def test_update_failures_leave_store_untouched(server, fresh_settings):
    lists.update(["un_sc"], urls={"un_sc": server + "/consolidated.xml"}, settings=fresh_settings)
    with pytest.raises(SourceError, match="HTTP 404"):
        lists.update(["un_sc"], urls={"un_sc": server + "/missing.xml"}, settings=fresh_settings)
    with pytest.raises(SourceError, match="malformed or truncated XML"):
        lists.update(["un_sc"], urls={"un_sc": server + "/truncated.xml"}, settings=fresh_settings)
    small = replace(fresh_settings, max_file_bytes=10_000)
    with pytest.raises(SourceError, match="over the limit|larger than the limit"):
        lists.update(["un_sc"], urls={"un_sc": server + "/consolidated.xml"}, settings=small)
    with pytest.raises(SourceError, match="download failed"):
        lists.update(["un_sc"], urls={"un_sc": "http://127.0.0.1:9/consolidated.xml"}, settings=fresh_settings, timeout=5)
    with open_store(fresh_settings) as store:
        assert [v.label for v in store.versions("un_sc")] == ["2026-02-27"]


def test_update_cli_with_env_url(server, fresh_settings, monkeypatch):
    from interdict.cli.main import app

    monkeypatch.setenv("INTERDICT_HOME", str(fresh_settings.home))
    monkeypatch.setenv("INTERDICT_URL_UN_SC", server + "/consolidated.xml")
    res = CliRunner().invoke(app, ["lists", "update", "--source", "un_sc", "--quiet"])
    assert res.exit_code == 0, res.output
    assert "un_sc: loaded version 1 (2026-02-27): 1,003 entries, 155 DPRK" in res.stdout
    res = CliRunner().invoke(app, ["lists", "update", "--source", "un_sc", "--url", f"un_sc={server}/nothing.xml"])
    assert res.exit_code != 0


def test_update_ftm_list_by_url(server, fresh_settings, tmp_path):
    with pytest.raises(SourceError, match="INTERDICT_URL_MY_PEPS"):
        lists.update(["my_peps"], settings=fresh_settings)
    # serve an FtM export of the UN DPRK entries and update a custom list from it
    lists.update(["un_sc"], urls={"un_sc": server + "/consolidated.xml"}, settings=fresh_settings)
    out = tmp_path / "www" / "dprk.ftm.json"
    n = lists.export_ftm(out, sources=["un_sc"], dprk_only=True, settings=fresh_settings)
    reports = lists.update(["my_dprk"], urls={"my_dprk": server + "/dprk.ftm.json"}, settings=fresh_settings)
    assert reports[0].entities == 155 and reports[0].rows == n


def test_url_settings_from_env_keep_settings_hashable(monkeypatch):
    from interdict.config import Settings

    monkeypatch.setenv("INTERDICT_URL_UN_SC", "http://127.0.0.1:1/x.xml")
    settings = Settings()
    assert settings.source_urls["un_sc"] == "http://127.0.0.1:1/x.xml"
    assert hash(settings) == hash(replace(settings))  # usable as a cache key
