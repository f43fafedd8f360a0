"""Shared pytest setup.

Fixture strategy: use the smallest data that shows the behaviour. Unit tests build entities and
records inline. End-to-end tests that need the real bundled lists use the session-scoped store
fixtures in their area's conftest (one load per test session, in a temporary ``INTERDICT_HOME``),
so the suite loads the lists once rather than once per test. Nothing here touches the internet or
the user's real data home: ``INTERDICT_HOME`` is forced into a temporary directory for the session.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_SESSION_HOME = tempfile.mkdtemp(prefix="interdict-test-home-")
os.environ["INTERDICT_HOME"] = _SESSION_HOME


@pytest.fixture(scope="session")
def session_home() -> str:
    return _SESSION_HOME


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove this process's temporary data home (each xdist worker has its own)."""
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)
