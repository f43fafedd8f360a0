"""One place that builds list-like FtM entities for matching and screening tests."""

from __future__ import annotations

from followthemoney import model


def make(entity_id: str, schema: str = "Person", **props) -> object:
    """An entity with id ``<source>-<ref>``; keyword arguments are FtM properties (str or list)."""
    entity = model.make_entity(schema)
    entity.id = entity_id
    for prop, values in props.items():
        for value in values if isinstance(values, list) else [values]:
            entity.add(prop, value, cleaned=prop == "entity")
    return entity


def sample_entities() -> list:
    """A small list: the same party on UN, OFAC and CSL; a company; a vessel; namesakes."""
    return [
        make("un_sc-KPi.066", "Person", name="KIM JONG SIK", alias="Kim Cho'ng-sik", birthDate=["1967", "1968"],
             nationality="kp", notes="KPi.066", program="DPRK"),
        make("us_ofac_sdn-90001", "Person", name="KIM, Jong Sik", birthDate="1967", nationality="kp",
             notes="UN Ref KPi.066", program="DPRK3"),
        make("us_csl-90001", "Person", name="KIM, Jong Sik", birthDate="1967", nationality="kp", program="DPRK3"),
        make("us_ofac_sdn-20157", "Person", name="KIM, Jong Un", birthDate="1984-01-08", nationality="kp",
             program="DPRK3"),
        make("us_ofac_sdn-20564", "Company", name="DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD",
             country="cn", program="NPWMD"),
        make("us_ofac_sdn-23171", "Company", name="DANDONG DONGYUAN INDUSTRIAL CO., LTD.", country="cn",
             program="DPRK3"),
        make("un_sc-KPe.025", "Organization", name="KOREA KWANGSON BANKING CORPORATION (KKBC)", alias="KKBC",
             country="kp", notes="KPe.025", program="DPRK"),
        make("us_ofac_sdn-23729", "Vessel", name="CHON MA SAN", imoNumber="8660313", flag="kp", program="DPRK3"),
        make("us_ofac_sdn-90002", "Person", name="SMITH, John Robert", birthDate="1950-05-05", nationality="gb",
             program="SDGT"),
        make("us_ofac_sdn-90003", "Company", name="KOREA RYONBONG GENERAL CORPORATION", registrationNumber="RB-778899",
             country="kp", program="DPRK"),
        make("us_ofac_sdn-90004", "Company", name="KOREA TANGUN TRADING CORPORATION", country="kp", program="DPRK"),
        make("us_ofac_sdn-90005", "Person", name="MARTINEZ GARCIA, Ana Lucia", birthDate="1971", program="SDNTK"),
    ]
