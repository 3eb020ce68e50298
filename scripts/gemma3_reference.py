"""An independent Gemma 3 forward pass in float64 NumPy, the oracle for the student trainer's.

Reads a GGUF with PyPI's gguf (F32 or any type gguf-py dequantizes) and computes, for each token
sequence, log P(. | tokens[..t]) at every position t, the way llama.cpp's Gemma 3 graph does
(src/models/gemma3.cpp) but in exact arithmetic: embeddings times sqrt(width); RMSNorm with the
+1 already folded into the gains; per-head query and key norms; NeoX rotary positions with base
10,000 on sliding-window layers and the file's base on every sixth; queries scaled by
1/sqrt(head size); GeGLU in its tanh form; post-attention and post-MLP norms; tied output.

    python scripts/gemma3_reference.py MODEL.gguf TOKENS.json OUT.f32

TOKENS.json is a list of token-id lists; OUT.f32 receives each sequence's [length, vocabulary]
log-probabilities as little-endian float32, one sequence after another.
"""
import json
import sys

import gguf
import numpy as np


def main(model_path, tokens_path, out_path):
    reader = gguf.GGUFReader(model_path)
    fields = {name: field.contents() for name, field in reader.fields.items() if not name.startswith("tokenizer.")}
    assert fields["general.architecture"] == "gemma3", "a Gemma 3 model"
    tensors = {t.name: t for t in reader.tensors}

    def weight(name):
        t = tensors[name]
        values = np.asarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float64)
        return values.reshape([int(d) for d in reversed(t.shape)])

    layers = fields["gemma3.block_count"]
    heads, kv_heads = fields["gemma3.attention.head_count"], fields["gemma3.attention.head_count_kv"]
    head_size = fields["gemma3.attention.key_length"]
    width = fields["gemma3.embedding_length"]
    epsilon = fields["gemma3.attention.layer_norm_rms_epsilon"]
    window = fields["gemma3.attention.sliding_window"]
    global_base = fields["gemma3.rope.freq_base"]
    local_base = fields.get("gemma3.rope.freq_base_swa", 10000.0)
    embedding = weight("token_embd.weight")
    blocks = [{name: weight(f"blk.{layer}.{name}.weight") for name in (
        "attn_norm", "attn_q", "attn_k", "attn_v", "attn_q_norm", "attn_k_norm", "attn_output",
        "post_attention_norm", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down", "post_ffw_norm")} for layer in range(layers)]
    output_norm = weight("output_norm.weight")

    def rms(x, gain):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + epsilon) * gain

    def rotate(x, base):  # x [time, heads, head_size]: dimension i turns with i + head_size/2
        half = head_size // 2
        angles = np.arange(x.shape[0])[:, None] * base ** (-2 * np.arange(half) / head_size)[None, :]
        cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
        first, second = x[..., :half], x[..., half:]
        return np.concatenate([first * cos - second * sin, first * sin + second * cos], -1)

    def gelu(x):
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

    with open(tokens_path) as handle, open(out_path, "wb") as out:
        for tokens in json.load(handle):
            n = len(tokens)
            x = embedding[tokens] * np.sqrt(float(width))
            for layer, w in enumerate(blocks):
                sliding = layer % 6 < 5
                h = rms(x, w["attn_norm"])
                q = rms((h @ w["attn_q"].T).reshape(n, heads, head_size), w["attn_q_norm"])
                k = rms((h @ w["attn_k"].T).reshape(n, kv_heads, head_size), w["attn_k_norm"])
                v = (h @ w["attn_v"].T).reshape(n, kv_heads, head_size)
                base = local_base if sliding else global_base
                q, k = rotate(q, base) / np.sqrt(head_size), rotate(k, base)
                rows, columns = np.arange(n)[:, None], np.arange(n)[None, :]
                visible = (columns <= rows) & (~sliding | (rows - columns < window))
                y = np.zeros((n, heads, head_size))
                for head in range(heads):
                    kv = head // (heads // kv_heads)
                    scores = np.where(visible, q[:, head] @ k[:, kv].T, -np.inf)
                    p = np.exp(scores - scores.max(-1, keepdims=True))
                    y[:, head] = (p / p.sum(-1, keepdims=True)) @ v[:, kv]
                x = x + rms(y.reshape(n, heads * head_size) @ w["attn_output"].T, w["post_attention_norm"])
                h = rms(x, w["ffn_norm"])
                mlp = (gelu(h @ w["ffn_gate"].T) * (h @ w["ffn_up"].T)) @ w["ffn_down"].T
                x = x + rms(mlp, w["post_ffw_norm"])
            logits = rms(x, output_norm) @ embedding.T
            top = logits.max(-1, keepdims=True)
            log_probabilities = logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))
            out.write(log_probabilities.astype("<f4").tobytes())


if __name__ == "__main__":
    main(*sys.argv[1:])
