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
    assert len(again.knots) == len(cal.knots)
    for (x1, y1), (x2, y2) in zip(again.knots, cal.knots, strict=True):
        assert x1 == pytest.approx(x2, abs=1e-5) and y1 == pytest.approx(y2, abs=1e-5)


def test_isotonic_map_is_monotone_and_follows_the_observed_share():
    from interdict.matching.calibrate import fit_isotonic

    rng = np.random.default_rng(3)
    scores = rng.uniform(0, 1, 4000)
    # an over-confident score: the true share of matches is scores**3
    labels = (rng.uniform(0, 1, 4000) < scores**3).astype(float)
    knots = fit_isotonic(scores, labels)
    xs, ys = zip(*knots, strict=True)
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys)
    assert xs[0] == 0.0 and xs[-1] == 1.0
    assert abs(np.interp(0.5, xs, ys) - 0.125) < 0.06
    assert abs(np.interp(0.9, xs, ys) - 0.729) < 0.08


def test_mapped_scores_still_rank():
    from interdict.matching.calibrate import Calibration

    cal = Calibration({}, 0.0, knots=[(0.0, 0.1), (0.5, 0.5), (0.6, 0.5), (1.0, 1.0)])
    # a flat step of the map still orders different evidence
    assert cal.calibrate(0.52) < cal.calibrate(0.58)
    assert cal.calibrate(0.0) >= 0.0 and cal.calibrate(1.0) <= 1.0
