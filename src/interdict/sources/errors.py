"""The error a reader raises when a whole input file is unusable."""

from __future__ import annotations

from interdict.exc import ProblemsMixin, SourceError

__all__ = ["ListFormatError"]


class ListFormatError(ProblemsMixin, SourceError):
    """A list file that cannot be read as the expected format; ``problems`` locate each fault."""

    status_code = 422
