"""Kill a real `interdict lists load` with SIGKILL while it writes: the previous version must stay
current and queryable, and nothing of the new version may be visible."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from interdict import lists
from interdict.store import open_store


def _write_list(path, n: int, tag: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"p{i}", "schema": "Person", "properties": {"name": [f"{tag} Person {i}"]}}) + "\n")


@pytest.mark.slow
def test_sigkill_during_load_keeps_previous_version(tmp_path, fresh_settings):
    small, big = tmp_path / "v1.json", tmp_path / "v2.json"
    _write_list(small, 2_000, "First")
    _write_list(big, 60_000, "Second")
    lists.load("kill_test", [small], settings=fresh_settings)

    env = dict(os.environ, INTERDICT_HOME=str(fresh_settings.home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "interdict.cli.main", "lists", "load", "--source", "kill_test", "--file", str(big)],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    seen = []
    killed_mid_write = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if "wrote 20,000/" in line:  # first batch is in, the transaction is still open
            proc.send_signal(signal.SIGKILL)
            killed_mid_write = True
            break
    proc.wait(timeout=30)
    rest = proc.stderr.read()
    assert killed_mid_write, "".join(seen) + rest
    assert proc.returncode == -signal.SIGKILL
    assert "committed" not in "".join(seen) + rest

    with open_store(fresh_settings) as store:
        versions = store.versions("kill_test")
        assert [v.entity_count for v in versions] == [2_000]
        assert versions[0].is_current
        names = [e.caption for e in store.iter_entities(sources=["kill_test"])]
        assert len(names) == 2_000 and all(n.startswith("First") for n in names)
        assert store.count_entities(version_ids=[versions[0].id + 1]) == 0

    # and the store still takes a load afterwards
    third = tmp_path / "v3.json"
    _write_list(third, 2_500, "Third")
    report = lists.load("kill_test", [third], settings=fresh_settings)[0]
    assert report.status == "loaded" and report.entities == 2_500
