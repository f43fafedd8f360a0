"""Country cleaning with a bundled table of the country strings that occur in the bundled lists.

followthemoney cleans a country name through rigour's territory index, which transliterates
about 21,000 names the first time it is used in a process (1.5-2 s, longer on a busy machine).
Every list load paid that before reading a single row. The table in
``data/lists/countries.json`` maps each country string found in the bundled snapshots to what
followthemoney returns for it, so loading the bundled lists needs no index; any other string
falls through to followthemoney. ``tests/sources/test_countries.py`` checks that the table still
equals followthemoney's answer for every entry, so it cannot drift from the installed version.

Regenerate after changing the bundled snapshots::

    python -m interdict.sources.countries
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["clean_country", "country_table", "TABLE_PATH"]

TABLE_PATH = Path(str(resources.files("interdict") / "data" / "lists" / "countries.json"))


@cache
def country_table() -> dict[str, str | None]:
    """String -> ISO code (lower case) or None, as followthemoney cleans it."""
    try:
        data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: (v or None) for k, v in data.items()}


@lru_cache(maxsize=65536)
def _ftm_clean(text: str) -> str | None:
    from followthemoney import registry

    return registry.country.clean_text(text)


def clean_country(text: str) -> str | None:
    """Clean one country string to an ISO code (None when it is not a country)."""
    table = country_table()
    if text in table:
        return table[text]
    return _ftm_clean(text)


def _collect() -> dict[str, str | None]:
    """Read every bundled snapshot, recording each string cleaned as a country."""
    from interdict.sources import BUNDLED, common, read_source

    seen: set[str] = set()
    original = common._clean_typed

    def recording(type_name: str, value: str) -> str | None:
        if type_name == "country":
            seen.add(value)
        return original(type_name, value)

    common._clean_typed = recording  # type: ignore[assignment]
    country_table.cache_clear()
    try:
        table_path_backup = TABLE_PATH.read_bytes() if TABLE_PATH.exists() else None
        if TABLE_PATH.exists():
            TABLE_PATH.unlink()  # read without the table so every string is seen
        try:
            for snap in BUNDLED:
                read_source(snap.source, snap.inputs())
        finally:
            if table_path_backup is not None and not TABLE_PATH.exists():
                TABLE_PATH.write_bytes(table_path_backup)
    finally:
        common._clean_typed = original  # type: ignore[assignment]
        country_table.cache_clear()
    return {text: _ftm_clean(text) for text in sorted(seen)}


def main() -> None:
    table = _collect()
    TABLE_PATH.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(table)} country strings to {TABLE_PATH}")


if __name__ == "__main__":
    main()
