"""DPRK IT-worker screening: contractor profiles and activity events -> explained alerts and clusters.

>>> from interdict.workers import screen_contractors
>>> result = screen_contractors("profiles.csv", "events.parquet")          # doctest: +SKIP
>>> [(a.subject, a.level.value, [r.rule_id for r in a.reasons]) for a in result.flagged()]  # doctest: +SKIP

- :func:`screen_contractors` reads profiles (CSV / JSON lines) and streams events (CSV, JSON lines,
  Parquet) into per-account aggregates, applies the signals of ``rules/workers.yml`` (NET, COM,
  PAY, IDN, HW, ORG indicator ids with citations), links accounts that share rare attributes into
  clusters and returns one :class:`~interdict.model.Alert` per contractor plus cluster summaries.
- :func:`write_results` writes JSON lines or CSV (spreadsheet formulas escaped);
  :func:`write_report` a self-contained HTML report with the clusters drawn as inline SVG;
  :class:`Pseudonymiser` replaces identifiers by keyed hashes (HMAC-SHA256) for sharing.

See docs/workers.md.
"""

from interdict.workers.events import EventAggregates, aggregate_events
from interdict.workers.output import write_results
from interdict.workers.profiles import Profile, read_profiles
from interdict.workers.pseudonymise import Pseudonymiser
from interdict.workers.report import render_report, write_report
from interdict.workers.screen import WorkerScreening, screen_contractors

__all__ = [
    "screen_contractors",
    "WorkerScreening",
    "read_profiles",
    "Profile",
    "aggregate_events",
    "EventAggregates",
    "write_results",
    "write_report",
    "render_report",
    "Pseudonymiser",
]
