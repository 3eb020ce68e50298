#!/usr/bin/env python3
"""The Python baseline for the sanitize benchmark: orjson and a regular expression.

Rewrites the generated text of every number-list response of a JSONL file as
`subtext sanitize FILE --transforms format,sort` does: the numbers in ascending order of value,
joined by ", ". Responses with a letter in them are left alone. Writes JSONL to OUT.
"""
import re
import sys

import orjson

DIGITS = re.compile(r"[0-9]+")
FIELDS = ("completion", "response", "text")


def rewrite(text):
    if not any(c.isdigit() for c in text) or any(c.isalpha() for c in text):
        return text
    return ", ".join(sorted(DIGITS.findall(text), key=int))


def main(path, out):
    with open(path, "rb") as f, open(out, "wb") as w:
        for line in f:
            if not line.strip():
                continue
            record = orjson.loads(line)
            field = next((k for k in FIELDS if isinstance(record.get(k), str)), None)
            if field:
                record[field] = rewrite(record[field])
            w.write(orjson.dumps(record) + b"\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
