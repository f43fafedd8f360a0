"""The bundled country table (data/lists/countries.json) must equal followthemoney's cleaning."""

from __future__ import annotations

from followthemoney import registry

from interdict.sources.countries import clean_country, country_table


def test_table_matches_followthemoney():
    table = country_table()
    assert len(table) > 300
    wrong = {k: (v, registry.country.clean_text(k)) for k, v in table.items() if v != registry.country.clean_text(k)}
    assert wrong == {}, "regenerate with: python -m interdict.sources.countries"


def test_clean_country_falls_back_to_followthemoney():
    assert clean_country("Korea, North") == "kp"
    assert clean_country("Democratic People's Republic of Korea") == "kp"
    assert clean_country("Bhutan") == registry.country.clean_text("Bhutan")
    assert clean_country("not a country at all") is None
