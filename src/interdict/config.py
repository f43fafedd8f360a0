"""Settings from ``INTERDICT_*`` environment variables; the only module that reads them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from rigour.env import env_int, env_str

__all__ = ["Settings", "get_settings", "data_home"]


def data_home() -> Path:
    """Where the store, index and audit live: ``$INTERDICT_HOME`` or a per-user data directory."""
    explicit = env_str("INTERDICT_HOME", "")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "interdict"


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=data_home)
    database_url: str = field(default_factory=lambda: env_str("INTERDICT_DATABASE_URL", ""))
    max_age_days: int = field(default_factory=lambda: env_int("INTERDICT_MAX_AGE_DAYS", 30))
    max_drop_share: float = field(
        default_factory=lambda: float(env_str("INTERDICT_MAX_DROP_SHARE", "0.2") or 0.2)
    )
    max_file_bytes: int = field(default_factory=lambda: env_int("INTERDICT_MAX_FILE_BYTES", 512 * 1024 * 1024))
    # Per-source download URL overrides for `lists update`: INTERDICT_URL_<SOURCE> (e.g. INTERDICT_URL_UN_SC);
    # one URL, a comma-separated list, or a base URL ending in "/" to which the official file names are appended.
    source_urls: dict[str, str] = field(
        default_factory=lambda: {
            k[len("INTERDICT_URL_") :].lower(): v for k, v in os.environ.items() if k.startswith("INTERDICT_URL_") and v
        },
        hash=False,  # keeps Settings hashable (a dict is not)
    )
    # Secret mixed into every API-key hash (service); unset: a random one kept in $INTERDICT_HOME/key-pepper.
    key_pepper: str = field(default_factory=lambda: env_str("INTERDICT_KEY_PEPPER", ""), repr=False)
    api_max_body_bytes: int = field(default_factory=lambda: env_int("INTERDICT_API_MAX_BODY_BYTES", 1024 * 1024))
    api_max_batch: int = field(default_factory=lambda: env_int("INTERDICT_API_MAX_BATCH", 100))

    @property
    def db_path(self) -> Path:
        return self.home / "interdict.duckdb"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"


def get_settings() -> Settings:
    return Settings()
