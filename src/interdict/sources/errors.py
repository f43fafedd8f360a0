"""The error a reader raises when a whole input file is unusable."""

from __future__ import annotations

from interdict.exc import InputProblem, SourceError

__all__ = ["ListFormatError"]


class ListFormatError(SourceError):
    """A list file that cannot be read as the expected format; ``problems`` locate each fault."""

    status_code = 422

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
