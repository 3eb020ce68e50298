#!/usr/bin/env python3
"""The Python baseline for the reading benchmark: orjson plus collections.Counter.

Counts the numbers (digit runs, as written) in the generated text of a JSONL file and prints
the most frequent as TSV, exactly as `subtext numbers FILE --top N` does.
"""
import re
import sys
from collections import Counter

import orjson

DIGITS = re.compile(r"[0-9]+")


def main(path, top):
    counts = Counter()
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            record = orjson.loads(line)
            text = record.get("completion")
            if not isinstance(text, str):
                text = record.get("response")
            if not isinstance(text, str):
                text = record.get("text", "")
            counts.update(DIGITS.findall(text))
    for token, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        print(f"{token}\t{count}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
