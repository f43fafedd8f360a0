"""Calibration: the logistic fit, its sign constraints and the packaged parameters."""

from __future__ import annotations

import numpy as np
import pytest

from interdict.matching.calibrate import SIGNS, Calibration, fit_logistic, load_calibration
from interdict.matching.features import FEATURES


def test_packaged_calibration_covers_every_feature_with_the_right_sign():
    cal = load_calibration()
    assert set(cal.weights) == set(FEATURES)
    for name, weight in cal.weights.items():
        assert SIGNS[name] * weight >= 0, name
    assert 0.0 < cal.threshold < 1.0


def test_fit_recovers_a_separable_rule():
    rng = np.random.default_rng(0)
    n = 2000
    X = np.zeros((n, len(FEATURES)))
    X[:, 0] = rng.random(n)  # name_match
    y = (X[:, 0] + rng.normal(0, 0.1, n) > 0.6).astype(float)
    weights, bias = fit_logistic(X, y)
    assert weights["name_match"] > 5
    cal = Calibration(weights, bias)
    low, high = np.zeros(len(FEATURES)), np.zeros(len(FEATURES))
    low[0], high[0] = 0.3, 0.95
    assert cal.predict(low) < 0.2 < 0.8 < cal.predict(high)


def test_fit_holds_wrong_signed_weights_at_zero():
    rng = np.random.default_rng(1)
    n = 1000
    X = np.zeros((n, len(FEATURES)))
    X[:, 0] = rng.random(n)
    y = (X[:, 0] > 0.5).astype(float)
    pos = list(FEATURES).index("dob_mismatch")
    X[:, pos] = y  # a contradiction that (wrongly) correlates with matches
    weights, _ = fit_logistic(X, y)
    assert weights["dob_mismatch"] == 0.0


def test_scores_rank_instead_of_saturating():
    cal = load_calibration()
    a, b = np.zeros(len(FEATURES)), np.zeros(len(FEATURES))
    a[0] = b[0] = 1.0
    a[list(FEATURES).index("dob_match")] = 1.0
    assert cal.predict(a) > cal.predict(b)
    assert cal.predict(a) < 1.0


def test_roundtrip(tmp_path):
    cal = load_calibration()
    path = tmp_path / "c.json"
    cal.save(path)
    again = load_calibration(path)
    assert again.weights == pytest.approx(cal.weights)
    assert again.bias == cal.bias
