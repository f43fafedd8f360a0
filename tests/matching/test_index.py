"""The candidate index: postings, identifiers, cross-list groups, save and load."""

from __future__ import annotations

import numpy as np

from interdict.matching.index import Index, build_index, index_path, load_or_build

from .factory import make, sample_entities


def test_build_counts_and_lookup():
    index = build_index(sample_entities(), "fp-test")
    assert index.size == len(sample_entities())
    assert index.fingerprint == "fp-test"
    e = index.by_id["us_ofac_sdn-20157"]
    assert index.sources[e] == "us_ofac_sdn" and index.source_ids[e] == "20157"
    assert index.birth_dates[e] == ("1984-01-08",)
    assert index.dprk[e]
    # every form of an entity is reachable through the postings of its keys
    for f in index.forms_of(e):
        for key in index.form(f).keys:
            assert e in index.postings(index.vocab[key]).tolist()


def test_idf_weighs_common_words_less():
    index = build_index(sample_entities())
    assert index.key_weight("korea") < index.key_weight("ryonbong")


def test_identifiers_are_exact_lookups():
    index = build_index(sample_entities())
    assert index.identifiers["8660313"] == [index.by_id["us_ofac_sdn-23729"]]


def test_groups_link_un_reference_and_name_with_birth_year():
    index = build_index(sample_entities())
    un = index.by_id["un_sc-KPi.066"]
    ofac = index.by_id["us_ofac_sdn-90001"]
    csl = index.by_id["us_csl-90001"]
    assert index.groups[un] == index.groups[ofac] == index.groups[csl]
    other = index.by_id["us_ofac_sdn-20157"]
    assert index.groups[other] != index.groups[un]


def test_groups_never_join_records_of_one_list():
    entities = [make("us_ofac_sdn-1", "Company", name="ACME TRADING"), make("us_ofac_sdn-2", "Company", name="ACME TRADING")]
    index = build_index(entities)
    assert index.groups[0] != index.groups[1]


def test_sanctions_supply_programs():
    person = make("un_sc-KPi.001", "Person", name="RI JE SON")
    sanction = make("un_sc-KPi.001-sanction-1", "Sanction", entity="un_sc-KPi.001", program="DPRK")
    index = build_index([person, sanction])
    assert index.size == 1
    assert "DPRK" in index.programs[0]


def test_save_load_roundtrip(tmp_path):
    index = build_index(sample_entities(), "fp")
    path = tmp_path / "i.pkl"
    index.save(path)
    loaded = Index.load(path)
    assert loaded.ids == index.ids
    assert loaded.vocab == index.vocab
    assert np.array_equal(loaded.post_data, index.post_data)
    assert loaded.form(0) == index.form(0)


class FakeStore:
    def __init__(self, entities, fp):
        self.entities = entities
        self.fp = fp
        self.reads = 0

    def fingerprint(self):
        return self.fp

    def iter_entities(self, **kw):
        self.reads += 1
        return iter(self.entities)


def test_load_or_build_rebuilds_only_when_fingerprint_changes(tmp_path):
    store = FakeStore(sample_entities(), "one")
    first = load_or_build(store, tmp_path)
    assert store.reads == 1 and index_path(tmp_path, "one").exists()
    again = load_or_build(store, tmp_path)
    assert store.reads == 1 and again.ids == first.ids
    store.fp = "two"
    load_or_build(store, tmp_path)
    assert store.reads == 2
    assert not index_path(tmp_path, "one").exists()
