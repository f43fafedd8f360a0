"""Calibration: a logistic model over the feature vector, so that a score reads as a probability.

``score = sigmoid(bias + sum(weight_f * feature_f))``. The weights are fitted on labelled pairs
(bench/screening/cases.csv, training split only) by ``bench/screening/calibrate.py`` with
:func:`fit_logistic` (Newton's method with a small L2 penalty, in numpy), and stored as data in
``interdict/data/matching/calibration.json`` together with what they were fitted on. Weights whose
sign contradicts the feature's meaning are held at zero (a contradiction can only lower the score,
agreement can only raise it), so the fitted model stays explainable feature by feature.

A logistic model ranks: two strong hits get different scores if their evidence differs, and the
probability only approaches 1.0 when the evidence does. A logistic curve alone is over-confident
in the middle (pairs at 0.3 were the same party far less often than 30% of the time), so the
fitted score then goes through a monotone map (``knots``, isotonic regression on the training
split, :func:`fit_isotonic`). The map is blended with a small share of the logistic score, so
that it never flattens two different strengths of evidence into one score.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from interdict.matching.features import FEATURES

__all__ = ["Calibration", "load_calibration", "fit_logistic", "fit_isotonic", "SIGNS", "CALIBRATION_FILE"]

CALIBRATION_FILE = "calibration.json"

#: +1: the feature may only raise the score; -1: only lower it.
SIGNS: dict[str, int] = {
    "name_match": 1,
    "name_info": 1,
    "name_exact": 1,
    "name_single_token": -1,
    "name_unmatched_query": -1,
    "name_unmatched_list": -1,
    "name_query_covered": 1,
    "name_list_covered": 1,
    "name_order_conflict": -1,
    "weak_alias": -1,
    "legal_form_conflict": -1,
    "identifier_match": 1,
    "identifier_mismatch": -1,
    "dob_match": 1,
    "dob_mismatch": -1,
    "country_match": 1,
    "country_mismatch": -1,
    "schema_mismatch": -1,
}


@dataclass
class Calibration:
    """Logistic weights by feature name, a bias and the default decision threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.7
    meta: dict[str, Any] = field(default_factory=dict)
    #: monotone map from the logistic score to the probability: (logistic score, probability) pairs
    knots: list[tuple[float, float]] = field(default_factory=list)
    _vector: np.ndarray | None = None
    _knot_xy: tuple[np.ndarray, np.ndarray] | None = None

    def vector(self) -> np.ndarray:
        if self._vector is None:
            self._vector = np.array([self.weights.get(name, 0.0) for name in FEATURES], dtype=np.float64)
        return self._vector

    def logit(self, x: np.ndarray) -> float:
        return float(self.bias + float(np.dot(self.vector(), x)))

    def predict(self, x: np.ndarray) -> float:
        z = self.logit(x)
        if z < -30:
            return 0.0
        return self.calibrate(1.0 / (1.0 + math.exp(-z)))

    def calibrate(self, p: float) -> float:
        """The logistic score through the monotone map (identity when no map was fitted)."""
        if not self.knots:
            return p
        if self._knot_xy is None:
            self._knot_xy = (np.array([k[0] for k in self.knots]), np.array([k[1] for k in self.knots]))
        xs, ys = self._knot_xy
        return float((1 - MAP_BLEND) * np.interp(p, xs, ys) + MAP_BLEND * p)

    def contributions(self, x: np.ndarray) -> dict[str, float]:
        """Each non-zero feature's share of the logit (weight times value)."""
        w = self.vector()
        return {name: round(float(w[i] * x[i]), 3) for i, name in enumerate(FEATURES) if w[i] * x[i] != 0}

    def to_dict(self) -> dict[str, Any]:
        return {
            "bias": self.bias,
            "threshold": self.threshold,
            "weights": {name: self.weights.get(name, 0.0) for name in FEATURES},
            "knots": [[round(a, 5), round(b, 5)] for a, b in self.knots],
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            threshold=float(data.get("threshold", 0.7)),
            meta=dict(data.get("meta", {})),
            knots=[(float(a), float(b)) for a, b in data.get("knots", [])],
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n", encoding="utf-8")


#: share of the logistic score kept beside the monotone map, so that scores still rank
MAP_BLEND = 0.03

_LOADED: Calibration | None = None


def load_calibration(path: Path | None = None) -> Calibration:
    """The packaged calibration (cached), or the one at ``path``."""
    global _LOADED
    if path is not None:
        return Calibration.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    if _LOADED is None:
        text = resources.files("interdict").joinpath("data", "matching", CALIBRATION_FILE).read_text("utf-8")
        _LOADED = Calibration.from_dict(json.loads(text))
    return _LOADED


def fit_logistic(
    X: np.ndarray, y: np.ndarray, names: Sequence[str] = tuple(FEATURES), l2: float = 0.05,
    iterations: int = 50, sample_weight: np.ndarray | None = None, fixed: dict[str, float] | None = None,
) -> tuple[dict[str, float], float]:
    """Fit logistic weights by Newton's method with L2, holding wrong-signed weights at zero.

    ``fixed`` holds some weights at given values (features the labelled set cannot teach, such as
    a schema mismatch or an equal identifier); their contribution enters the fit as an offset.
    Other features that never vary in ``X`` keep weight 0. Returns (weights by name, bias).
    """
    fixed = dict(fixed or {})
    n, d = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    fixed_vec = np.array([fixed.get(name, 0.0) for name in names])
    offset = X @ fixed_vec
    active = np.array([X[:, j].std() > 0 and names[j] not in fixed for j in range(d)])
    beta = np.zeros(d + 1)
    for _ in range(d + 1):
        cols = np.where(active)[0]
        A = np.hstack([np.ones((n, 1)), X[:, cols]])
        b = np.zeros(A.shape[1])
        for _it in range(iterations):
            z = np.clip(A @ b + offset, -30, 30)
            p = 1.0 / (1.0 + np.exp(-z))
            g = A.T @ ((p - y) * sw) + l2 * np.r_[0.0, b[1:]]
            W = p * (1 - p) * sw
            H = (A * W[:, None]).T @ A + l2 * np.diag(np.r_[0.0, np.ones(A.shape[1] - 1)]) + 1e-9 * np.eye(A.shape[1])
            step = np.linalg.solve(H, g)
            b -= step
            if np.abs(step).max() < 1e-8:
                break
        wrong = [j for k, j in enumerate(cols) if SIGNS.get(names[j], 0) * b[k + 1] < 0]
        beta = np.zeros(d + 1)
        beta[0] = b[0]
        beta[1 + cols] = b[1:]
        if not wrong:
            break
        # drop the most wrong-signed feature and refit
        worst = max(wrong, key=lambda j: abs(beta[1 + j]))
        active[worst] = False
    weights = {names[j]: round(float(fixed[names[j]] if names[j] in fixed else beta[1 + j]), 4) for j in range(d)}
    return weights, round(float(beta[0]), 4)


def fit_isotonic(scores: np.ndarray, labels: np.ndarray, min_block: int = 20) -> list[tuple[float, float]]:
    """Knots of a monotone (non-decreasing) map from score to observed share of matches.

    Pool-adjacent-violators over the pairs sorted by score, starting from blocks of ``min_block``
    pairs so that a handful of pairs cannot make a step; one knot per block at its mean score,
    and the ends 0 and 1 held at the first and last block's share. Written here because it is
    twenty lines and scikit-learn would be a large dependency for them.
    """
    order = np.argsort(scores, kind="stable")
    s = np.asarray(scores, dtype=np.float64)[order]
    y = np.asarray(labels, dtype=np.float64)[order]
    merged: list[list[float]] = []  # [sum of labels, sum of scores, count]
    for start in range(0, len(s), min_block):
        merged.append([float(y[start:start + min_block].sum()), float(s[start:start + min_block].sum()),
                       float(min(min_block, len(s) - start))])
        while len(merged) > 1 and merged[-2][0] / merged[-2][2] >= merged[-1][0] / merged[-1][2]:
            last = merged.pop()
            merged[-1] = [a + b for a, b in zip(merged[-1], last, strict=True)]
    knots: list[tuple[float, float]] = []
    for sum_y, sum_s, n in merged:
        x = sum_s / n
        if knots and x <= knots[-1][0]:
            continue  # equal mean scores: keep the first (shares only rise, so this stays monotone)
        knots.append((x, sum_y / n))
    if not knots:
        return []
    if knots[0][0] > 0.0:
        knots.insert(0, (0.0, knots[0][1]))
    if knots[-1][0] < 1.0:
        knots.append((1.0, knots[-1][1]))
    return knots
