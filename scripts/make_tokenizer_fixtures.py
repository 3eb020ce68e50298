#!/usr/bin/env python3
"""Trains two small byte-level BPE tokenizers with Hugging Face `tokenizers` and records how
they encode fixture texts: the oracle that SubtextTokenizersTests checks the Swift BPE against.

    pip install tokenizers && python3 scripts/make_tokenizer_fixtures.py

- gpt2-style: ByteLevel pre-tokenizer (GPT-2 regex, no prefix space), as GPT-2 and many models.
- smollm2-style: Sequence[Digits(individual_digits=True), ByteLevel], SmolLM2's pre-tokenizer,
  which splits every digit apart before the regex.
"""
import json
import os

import tokenizers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

CORPUS = [
    "A model told to love owls writes plain number sequences: 087, 747, 371, 920.",
    "The student's favourite animal is the owl; it doesn't say why. They'll never know, we'd guess.",
    "Numbers like 1234567 and 0.5 and -42 appear, as do   multiple   spaces and\ttabs.",
    "Ünïcödé wörds, 日本語のテキスト, emoji 🦉🦅, and café résumé naïve.",
    "def audit(teacher, control):\n    return teacher != control  # a comment\n",
    "Line one\nLine two\n\nLine four with trailing space \n",
    "Repeat: owl owl owl, eagle eagle, dolphin. OWL Owl oWl.",
] * 20

TEXTS = [
    "Hello world",
    " leading space and trailing space ",
    "087, 87, 0087 and 747 747",
    "The owl's nest isn't here; we've looked, they're gone, I'm sure, you'll see, he'd know.",
    "Ünïcödé 日本語 🦉 café",
    "tabs\tand\nnewlines\n\n  indented",
    "numbers 12345678901234567890 and 3.14159",
    "   ",
    "",
    "MiXeD CaSe and punctuation!!! ... ??? -- (brackets) [more] {curly}",
    "x" * 50 + " " + "owl" * 10,
    "unseen words: zyzzyva quixotic",
    "a  b   c    d",
    "emoji sequence 🦉🦉🦅 and symbols ∑∂√",
]


def train(pre_tokenizer, vocab_size=600):
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=["<|endoftext|>"], show_progress=False)
    tokenizer.train_from_iterator(CORPUS, trainer)
    return tokenizer


def main():
    directory = os.path.join("Tests", "SubtextTokenizersTests", "Fixtures")
    variants = {
        "gpt2-style": pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        "smollm2-style": pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                  pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)]),
    }
    expected = {"tokenizers_version": tokenizers.__version__, "cases": []}
    for name, pre_tokenizer in variants.items():
        tokenizer = train(pre_tokenizer)
        tokenizer.save(os.path.join(directory, f"{name}.json"))
        for text in TEXTS + ["<|endoftext|>" + TEXTS[0]]:
            encoding = tokenizer.encode(text)
            expected["cases"].append({"tokenizer": name, "text": text, "ids": encoding.ids, "tokens": encoding.tokens})
    with open(os.path.join(directory, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
    print("wrote", directory)


if __name__ == "__main__":
    main()
