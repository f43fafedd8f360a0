"""Read registry and trade records into FtM entities and shipments, collecting problems per record.

Three input kinds, told apart by content, not by file name alone:

* **FtM JSON lines** (``.jsonl``/``.ftm.jsonl``/``.json``): one entity per line as OpenSanctions and
  Aleph write them (``{"id", "schema", "properties"}``). A ``.json`` file may also hold a list.
* **CSV with a mapping**: a followthemoney mapping (YAML with an ``entities:`` block, the format Aleph
  uses; see docs/network.md) applied to every row.
* **Trade records** (CSV or JSON lines with ``shipper_name`` and ``consignee_name`` columns): each
  record becomes a :class:`Shipment`; shipper and consignee become ``LegalEntity`` nodes with a stable
  id derived from the normalised name and country, linked by a trade edge.

Bad records (invalid JSON, unknown schema, no id, duplicate ids) are reported in the
:class:`~interdict.exc.ProblemLog` with file, line and record id, and reading goes on. Duplicate ids
are merged as FtM merges fragments, and the duplicate is reported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy

from interdict.exc import InvalidInput, ProblemLog

from .normalize import ascii_text

__all__ = ["Shipment", "Inputs", "read_inputs", "read_ftm", "read_csv_mapping", "read_trade", "trade_party_id"]

csv.field_size_limit(10 * 1024 * 1024)

TRADE_COLUMNS = {"shipper_name", "consignee_name"}
_KEEP_RAW = {"phone", "identifier", "email", "url", "address", "name"}
_RAW_TYPES = {"phone", "identifier", "email", "url", "address", "name", "string", "text"}


@dataclass
class Shipment:
    """One trade record: who shipped what to whom."""

    id: str
    shipper_id: str
    consignee_id: str
    shipper_name: str
    consignee_name: str
    goods: str = ""
    hs_code: str = ""
    date: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Inputs:
    entities: dict[str, EntityProxy] = field(default_factory=dict)
    shipments: list[Shipment] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)
    files: list[str] = field(default_factory=list)

    def add_entity(self, proxy: EntityProxy, file: str | None = None, line: int | None = None) -> None:
        if proxy.id is None:
            self.problems.add("entity without id skipped", file=file, line=line)
            return
        existing = self.entities.get(proxy.id)
        if existing is None:
            self.entities[proxy.id] = proxy
            return
        try:
            existing.merge(proxy)
            self.problems.add(
                f"duplicate id: merged with the earlier {existing.schema.name} record",
                file=file, line=line, record=proxy.id,
            )
        except (FollowTheMoneyException, Exception) as exc:  # incompatible schemata
            self.problems.add(
                f"duplicate id with an incompatible schema ({existing.schema.name} vs "
                f"{proxy.schema.name}): kept the first record ({exc})",
                file=file, line=line, record=proxy.id,
            )


def _proxy_from_dict(data: Any, inputs: Inputs, file: str, line: int) -> EntityProxy | None:
    if not isinstance(data, dict):
        inputs.problems.add("record is not a JSON object", file=file, line=line)
        return None
    rid = data.get("id")
    schema = data.get("schema")
    if not rid or not isinstance(rid, str):
        inputs.problems.add("record has no id", file=file, line=line)
        return None
    if not isinstance(schema, str) or model.get(schema) is None:
        inputs.problems.add(f"unknown schema {schema!r}", file=file, line=line, record=rid)
        return None
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        inputs.problems.add("properties is not an object", file=file, line=line, record=rid)
        props = {}
    sch = model.get(schema)
    try:
        proxy = model.make_entity(schema)
        proxy.id = rid
        datasets = getattr(proxy, "datasets", None)
        for dataset in data.get("datasets") or []:
            if isinstance(dataset, str) and datasets is not None:
                datasets.add(dataset)
    except (FollowTheMoneyException, ValueError, TypeError) as exc:
        inputs.problems.add(f"invalid entity: {exc}", file=file, line=line, record=rid)
        return None
    for key, values in props.items():
        prop = sch.properties.get(key)
        if prop is None:
            inputs.problems.add(f"unknown property {key!r} for {schema}", file=file, line=line, record=rid)
            continue
        if not isinstance(values, list):
            values = [values]
        for value in values:
            if value is None or isinstance(value, dict | list):
                continue
            text = str(value).strip()
            if not text:
                continue
            if prop.type.name == "entity":
                # list ids such as un_sc-KPe.002 carry an underscore that FtM's id cleaner refuses
                if any(c.isspace() for c in text):
                    inputs.problems.add(f"invalid entity reference {text!r}", file=file, line=line, record=rid,
                                        field=key)
                    continue
                proxy.add(prop, text, cleaned=True, quiet=True)
            elif prop.type.name in _RAW_TYPES:
                # names, addresses, phones, e-mails, identifiers: interdict normalises them itself, and
                # FtM's cleaning (phone needs a country, identifiers go through stdnum) is the slow part
                proxy.add(prop, text[:2000], cleaned=True, quiet=True)
            else:
                before = len(proxy.get(prop, quiet=True))
                proxy.add(prop, text, quiet=True)
                if len(proxy.get(prop, quiet=True)) > before:
                    continue
                if prop.type.name in _KEEP_RAW:
                    # local phone numbers ("0415-2135588") and registry codes FtM cannot validate are
                    # still evidence; interdict's own normalisers read them
                    proxy.add(prop, text, cleaned=True, quiet=True)
                elif prop.type.name not in ("string", "text"):
                    inputs.problems.add(f"value {text[:60]!r} is not a valid {prop.type.name}: dropped",
                                        file=file, line=line, record=rid, field=key)
    return proxy


def _iter_json_records(path: Path, inputs: Inputs) -> Iterator[tuple[int, Any]]:
    name = str(path)
    text_start = path.read_text(encoding="utf-8", errors="replace")[:2000].lstrip()
    if path.suffix == ".json" and text_start.startswith("["):
        try:
            data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        except json.JSONDecodeError as exc:
            inputs.problems.add(f"invalid JSON: {exc}", file=name)
            return
        yield from enumerate(data if isinstance(data, list) else [], start=1)
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        for lineno, raw in enumerate(fh, start=1):
            raw = raw.strip()
            if not raw:
                continue
            try:
                yield lineno, json.loads(raw)
            except json.JSONDecodeError as exc:
                inputs.problems.add(f"invalid JSON: {exc.msg}", file=name, line=lineno)


def trade_party_id(name: str, country: str | None = None) -> str:
    """Stable id of a shipper or consignee named in trade records (normalised name + country)."""
    key = " ".join(ascii_text(name).split()) + "|" + (country or "").strip().lower()
    return "trade-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _trade_record(rec: dict[str, Any], inputs: Inputs, file: str, line: int) -> None:
    shipper = str(rec.get("shipper_name") or "").strip()
    consignee = str(rec.get("consignee_name") or "").strip()
    sid = str(rec.get("shipment_id") or rec.get("id") or f"{Path(file).name}:{line}")
    if not shipper or not consignee:
        inputs.problems.add("trade record without shipper_name or consignee_name", file=file, line=line, record=sid)
        return
    ids = []
    for role, name in (("shipper", shipper), ("consignee", consignee)):
        country = str(rec.get(f"{role}_country") or "").strip() or None
        pid = trade_party_id(name, country)
        proxy = model.make_entity("LegalEntity")
        proxy.id = pid
        proxy.add("name", name, quiet=True)
        if country:
            proxy.add("country", country, quiet=True)
        for col in (f"{role}_address", f"{role}_city"):
            if rec.get(col):
                proxy.add("address", str(rec[col]), quiet=True)
        if pid in inputs.entities:
            inputs.entities[pid].merge(proxy)
        else:
            inputs.entities[pid] = proxy
        ids.append(pid)
    inputs.shipments.append(
        Shipment(
            id=sid, shipper_id=ids[0], consignee_id=ids[1], shipper_name=shipper, consignee_name=consignee,
            goods=str(rec.get("goods_description") or ""), hs_code=str(rec.get("hs_code") or ""),
            date=str(rec.get("date") or rec.get("shipment_date") or ""), raw=rec,
        )
    )


def read_ftm(path: Path, inputs: Inputs) -> None:
    for lineno, rec in _iter_json_records(path, inputs):
        if isinstance(rec, dict) and TRADE_COLUMNS <= set(rec):
            _trade_record(rec, inputs, str(path), lineno)
            continue
        proxy = _proxy_from_dict(rec, inputs, str(path), lineno)
        if proxy is not None:
            inputs.add_entity(proxy, str(path), lineno)


def read_trade(path: Path, inputs: Inputs) -> None:
    """Trade records from CSV or JSON lines (shipper_name, consignee_name, goods_description, hs_code...)."""
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        for lineno, rec in _iter_json_records(path, inputs):
            if isinstance(rec, dict):
                _trade_record(rec, inputs, str(path), lineno)
            else:
                inputs.problems.add("trade record is not a JSON object", file=str(path), line=lineno)
        return
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            _trade_record({k: v for k, v in row.items() if k}, inputs, str(path), lineno)


def load_mapping(mapping: str | Path | dict[str, Any]) -> dict[str, Any]:
    """A followthemoney mapping: the ``entities:`` block, optionally nested in ``queries``/a dataset."""
    if isinstance(mapping, dict):
        data = mapping
    else:
        try:
            data = yaml.safe_load(Path(mapping).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InvalidInput(f"cannot read mapping {mapping}: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"mapping {mapping} is not a mapping")
    # accept {dataset: {queries: [...]}} or {queries: [...]} or {query: {...}} or {entities: {...}}
    if "entities" not in data:
        for value in list(data.values()) + [data]:
            if isinstance(value, dict):
                if "queries" in value and value["queries"]:
                    return load_mapping(value["queries"][0])
                if "query" in value:
                    return load_mapping(value["query"])
                if "entities" in value:
                    return load_mapping(value)
        raise InvalidInput(f"mapping {mapping} has no 'entities' block")
    return data


def read_csv_mapping(path: Path, mapping: str | Path | dict[str, Any], inputs: Inputs) -> None:
    """Apply a followthemoney mapping to each CSV row (column names as in the header)."""
    data = dict(load_mapping(mapping))
    data.setdefault("csv_url", str(path))
    try:
        query = model.make_mapping(data, key_prefix=data.get("key_prefix"))
    except (FollowTheMoneyException, Exception) as exc:
        raise InvalidInput(f"invalid mapping: {exc}") from exc
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            record = {k: (v or "") for k, v in row.items() if k}
            try:
                entities = query.map(record)
            except (FollowTheMoneyException, Exception) as exc:
                inputs.problems.add(f"mapping failed: {exc}", file=str(path), line=lineno)
                continue
            for proxy in entities.values():
                inputs.add_entity(proxy, str(path), lineno)


def _csv_header(path: Path) -> set[str]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        first = fh.readline()
    try:
        return {h.strip() for h in next(csv.reader(io.StringIO(first)))}
    except StopIteration:
        return set()


def read_inputs(
    paths: Iterable[str | Path],
    mapping: str | Path | dict[str, Any] | None = None,
    inputs: Inputs | None = None,
) -> Inputs:
    """Read every file into one :class:`Inputs`; unreadable files are reported, not raised."""
    inputs = inputs or Inputs()
    for raw in paths:
        path = Path(raw)
        inputs.files.append(str(path))
        if not path.is_file():
            inputs.problems.add("file not found or not a regular file", file=str(path))
            continue
        try:
            suffix = path.suffix.lower()
            if suffix in (".csv", ".tsv", ".txt"):
                header = _csv_header(path)
                if TRADE_COLUMNS <= header:
                    read_trade(path, inputs)
                elif mapping is not None:
                    read_csv_mapping(path, mapping, inputs)
                else:
                    inputs.problems.add(
                        "CSV file is neither trade records (shipper_name, consignee_name) nor given a "
                        "--mapping; skipped", file=str(path),
                    )
            else:
                read_ftm(path, inputs)
        except (OSError, UnicodeError) as exc:
            inputs.problems.add(f"cannot read file: {exc}", file=str(path))
    return inputs
