"""One root exception with a few meaningful subclasses.

Each subclass declares the HTTP status the API answers with, so ``api/`` maps the whole
hierarchy through one handler and ``cli/`` maps it to one red line and a non-zero exit.
Value-level functions never raise on bad data; they return ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "InterdictError",
    "InvalidInput",
    "InputProblem",
    "ProblemsMixin",
    "InvalidRulePack",
    "SourceError",
    "StoreError",
    "NotFound",
    "Forbidden",
    "Unauthorized",
    "ProblemLog",
]


@dataclass
class InputProblem:
    """One problem found in user or list input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    record: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record:
            where.append(f"record {self.record}")
        if self.field:
            where.append(f"field {self.field}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class InterdictError(Exception):
    """Root of every error interdict raises on purpose."""

    status_code = 500


class ProblemsMixin:
    """Carries located :class:`InputProblem` s and shows the first few in the message."""

    def __init__(self, message: str, problems: list[InputProblem] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        base = super().__str__()
        if not self.problems:
            return base
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        return f"{base}: {shown}{more}"


class InvalidInput(ProblemsMixin, InterdictError):
    """Input that cannot be used; ``problems`` lists each problem with its location."""

    status_code = 422


class InvalidRulePack(InterdictError):
    """A rule-pack YAML file that does not validate; the message names the file and key."""

    status_code = 500


class SourceError(InterdictError):
    """A list that failed to fetch, parse or validate; the last good version stays current."""

    status_code = 502


class StoreError(InterdictError):
    status_code = 500


class NotFound(InterdictError):
    status_code = 404


class Unauthorized(InterdictError):
    status_code = 401


class Forbidden(InterdictError):
    status_code = 403


@dataclass
class ProblemLog:
    """Collects per-record problems during ingestion so good rows keep flowing."""

    problems: list[InputProblem] = field(default_factory=list)
    limit: int = 10_000

    def add(self, message: str, **where: Any) -> None:
        if len(self.problems) < self.limit:
            self.problems.append(InputProblem(message, **where))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def __len__(self) -> int:
        return len(self.problems)
