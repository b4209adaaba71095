#!/usr/bin/env python3
"""Writes the bundled UCI Adult splits (data/adult/*.gz) as CSV files with a header, for `deepml train`.

usage: python3 scripts/adult_csv.py OUTPUT_FOLDER
Writes adult-train.csv (32,561 rows) and adult-test.csv (16,281 rows; the test file's first line is
dropped and the trailing '.' of its labels removed, so both files use the labels <=50K and >50K).
"""
import gzip
import os
import sys

COLUMNS = ("age,workclass,fnlwgt,education,education_num,marital_status,occupation,relationship,"
           "race,sex,capital_gain,capital_loss,hours_per_week,native_country,income")


def convert(source, target):
    rows = 0
    with gzip.open(source, "rt") as lines, open(target, "w") as out:
        out.write(COLUMNS + "\n")
        for line in lines:
            line = line.strip()
            if not line or line.startswith("|"):
                continue
            fields = [f.strip() for f in line.split(",")]
            if len(fields) != 15:
                raise SystemExit(f"{source}: a line with {len(fields)} fields, expected 15: {line!r}")
            fields[14] = fields[14].rstrip(".")
            out.write(",".join(fields) + "\n")
            rows += 1
    return rows


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "adult")
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, source in (("adult-train.csv", "adult.data.gz"), ("adult-test.csv", "adult.test.gz")):
        rows = convert(os.path.join(root, source), os.path.join(sys.argv[1], name))
        print(f"{name}: {rows} rows")


if __name__ == "__main__":
    main()
