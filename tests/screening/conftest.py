"""Screening fixtures.

``small_screener`` (module scope) screens a dozen hand-made list entities: use it for API shape,
grouping and bad-input tests. ``real_screener`` (session scope, marked slow by its users) loads
the bundled lists into the session's temporary ``INTERDICT_HOME`` and builds the index once.
"""

from __future__ import annotations

import pytest

from interdict.screening import Screener
from matching.factory import sample_entities


@pytest.fixture(scope="module")
def small_screener() -> Screener:
    return Screener.from_entities(sample_entities())


@pytest.fixture(scope="session")
def real_screener(session_home) -> Screener:
    import interdict.screening as screening

    screener = Screener.open()
    screening._DEFAULT = screener  # the CLI and module functions share it
    return screener
