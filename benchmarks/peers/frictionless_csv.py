"""frictionless validating the benchmark's CSV journal as a whole process, the way
`retaguarda validate` is run on it: read the file, type every cell, check the same rules as
`frictionless_ledger.py` (its schema and checks, with the CSV's date format and decimal comma),
every error kept (`limit_errors=0`). Prints its findings by rule on one protocol line.

    .venv-peers/bin/python benchmarks/peers/frictionless_csv.py --csv FILE.csv --meta META.json

Run by benchmarks/whole.py in .venv-peers, from a directory outside the repository.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

import common
import frictionless_ledger
from frictionless import Dialect, Resource, formats


def csv_schema(meta: dict):
    """The ledger's schema, reading dates as the CSV writes them and money with a decimal comma.

    Date bounds are compared after parsing but written in the field's format, so they follow it.
    """
    schema = frictionless_ledger.schema(meta)
    day = schema.get_field("data")
    day.format = meta["csv_date_format"]
    day.constraints["minimum"] = (meta["closed_until"] + timedelta(days=1)).strftime(day.format)
    day.constraints["maximum"] = meta["today"].strftime(day.format)
    money = schema.get_field("valor")
    money.decimal_char, money.group_char = ",", ""
    return schema


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True, type=Path, help="the journal as CSV")
    parser.add_argument("--meta", required=True, help="the JSON file of options and chart")
    args = parser.parse_args()
    meta = common.load_meta(args.meta)
    resource = Resource(
        path=args.csv.name,
        basepath=str(args.csv.parent),  # frictionless refuses an absolute path otherwise
        schema=csv_schema(meta),
        dialect=Dialect(controls=[formats.CsvControl(delimiter=meta["csv_delimiter"])]),
        encoding="utf-8",
    )
    # The schema names fields by key ("conta_debito"), the file by header ("Conta débito"):
    # one "incorrect-label" per column, not a finding.
    checklist = frictionless_ledger.checklist(meta, skip_errors=("incorrect-label",))
    report = resource.validate(checklist, limit_errors=0)  # 0: no limit
    answer = {
        "rows": report.tasks[0].stats.get("rows") if report.tasks else 0,
        "counts": frictionless_ledger.count(report),
        "versions": {"frictionless": version("frictionless")},
    }
    print(common.MARK + json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
