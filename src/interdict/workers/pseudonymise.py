"""Keyed pseudonyms (HMAC-SHA256) for sharing worker-screening results without personal data.

The same identifier always gets the same pseudonym under one key, so an analyst who holds the key
can re-identify a row (by hashing candidate identifiers) and two results pseudonymised with the
same key can be joined; without the key the pseudonyms reveal nothing practical. Contractor ids,
names, e-mails, phones, document numbers, payment accounts and holders, photo hashes, IPs, device
ids, addresses, handles and websites are replaced wherever they occur: in structured evidence and
in the readable summaries. Countries, counts, scores, rule ids and line numbers are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

__all__ = ["Pseudonymiser", "IDENTIFIER_KEYS"]

#: Evidence keys whose string values are personal identifiers.
IDENTIFIER_KEYS = frozenset({
    "subject", "caption", "members", "shared_with", "same_mailbox", "same_pattern", "ip", "ips", "device",
    "devices", "account", "phone", "email", "mailbox", "pattern", "photo_hash", "number", "holder", "name",
    "names", "claimed_name", "handle", "address", "addresses", "website", "company", "value", "record",
    "claimed_city", "employers", "payee", "strongest_member", "cluster_members", "mismatches",
})
# keys whose values stay readable even inside identifier-bearing objects
_KEEP = frozenset({"match", "citation", "rule_id", "country", "claimed_country", "type", "provider", "site",
                   "why", "programs", "source"})
_QUOTED = re.compile(r"'([^']{1,200})'")


class Pseudonymiser:
    """Replace identifiers by ``p-<16 hex>`` = HMAC-SHA256(key, value)[:16]."""

    def __init__(self, key: str | bytes) -> None:
        if isinstance(key, str):
            key = key.encode("utf-8")
        if len(key) < 16:
            from interdict.exc import InvalidInput

            raise InvalidInput("pseudonymisation key must be at least 16 bytes (use a random secret)")
        self._key = key
        self._memo: dict[str, str] = {}

    def token(self, value: str) -> str:
        out = self._memo.get(value)
        if out is None:
            digest = hmac.new(self._key, value.strip().encode("utf-8"), hashlib.sha256).hexdigest()
            out = f"p-{digest[:16]}"
            self._memo[value] = out
        return out

    # ---------------------------------------------------------------- structured values
    def _collect(self, value: Any, found: set[str], key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: (v if k in _KEEP else self._collect(v, found, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._collect(v, found, key) for v in value]
        if isinstance(value, str) and key in IDENTIFIER_KEYS and value:
            found.add(value)
            return self.token(value)
        return value

    def _text(self, text: str | None, found: set[str]) -> str | None:
        if not text or text.startswith("p-") and len(text) == 18:
            return text
        for value in sorted(found, key=len, reverse=True):
            if len(value) >= 3 and value in text:
                text = text.replace(value, self.token(value))
        return text

    def _scrub(self, value: Any, found: set[str], key: str | None = None) -> Any:
        """Second pass: any remaining string containing a known identifier has it replaced."""
        if isinstance(value, dict):
            return {k: (v if k in _KEEP else self._scrub(v, found, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scrub(v, found, key) for v in value]
        if isinstance(value, str):
            return self._text(value, found)
        return value

    def row(self, row: dict[str, Any], extra: set[str] | None = None) -> dict[str, Any]:
        """A contractor or cluster row (``Alert.model_dump`` / cluster summary) with identifiers replaced.

        Values under identifier keys are replaced, then every other string (summaries, notes) has
        any occurrence of those identifiers replaced too.
        """
        found: set[str] = set(extra or ())
        out = self._collect(row, found)
        return self._scrub(out, found)

    def problem(self, problem: dict[str, Any]) -> dict[str, Any]:
        out = dict(problem)
        if out.get("record"):
            out["record"] = self.token(str(out["record"]))
        if out.get("message"):
            out["message"] = _QUOTED.sub(lambda m: "'" + self.token(m.group(1)) + "'", out["message"])
        return out
