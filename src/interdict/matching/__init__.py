"""Matching: candidate index, features, calibrated scorer and explanations.

``matching`` knows how to compare a query with list entities; ``screening`` builds the user-facing
API on it (single and batch screening, grouping across lists, file input and output).

- :mod:`.query`: :class:`PartyQuery`, the cleaned query (a name or an FtM-shaped party).
- :mod:`.index`: the on-disk candidate index keyed by the store fingerprint.
- :mod:`.features`: token similarity, name alignment, date/country comparisons; :data:`FEATURES`.
- :mod:`.scorer`: retrieval plus scoring; :mod:`.calibrate`: the logistic calibration.
- :mod:`.explain`: explanations for returned results.
"""

from __future__ import annotations

from interdict.matching.calibrate import Calibration, fit_logistic, load_calibration
from interdict.matching.explain import explain
from interdict.matching.features import FEATURES, Form, make_forms, token_similarity
from interdict.matching.index import INDEX_VERSION, Index, build_index, load_or_build
from interdict.matching.query import Identifier, PartyQuery, make_query
from interdict.matching.scorer import ALGORITHM, ALGORITHM_VERSION, FEATURE_NAMES, Scored, Scorer

__all__ = [
    "ALGORITHM",
    "ALGORITHM_VERSION",
    "Calibration",
    "FEATURES",
    "FEATURE_NAMES",
    "Form",
    "INDEX_VERSION",
    "Identifier",
    "Index",
    "PartyQuery",
    "Scored",
    "Scorer",
    "build_index",
    "explain",
    "fit_logistic",
    "load_calibration",
    "load_or_build",
    "make_forms",
    "make_query",
    "token_similarity",
]
