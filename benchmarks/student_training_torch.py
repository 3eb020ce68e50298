"""A student's training step in PyTorch, for benchmarks/student_training_speed.sh.

The same Llama architecture as Subtext's trainer (RMSNorm, rotary positions on adjacent pairs,
grouped-query attention, SwiGLU, output tied to the token embedding), randomly initialised in
SmolLM2-135M's shape by default, on the same batch: random tokens, the loss on the second half
of each sequence, the head run on those positions only (as Subtext does). The step is the same:
zero the gradients, forward, backward, clip at 1, AdamW; LoRA adapters of --lora-rank on every
attention and MLP projection (B·A added to the frozen projection), or with --lora-rank 0 every
weight. Timing is the median of full steps after 2 warm-up steps. Prints JSON.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Projection(nn.Module):
    """x·Wᵀ, plus (x·Aᵀ)·Bᵀ when adapted."""

    def __init__(self, inputs, outputs, rank):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs) * 0.02)
        self.rank = rank
        if rank:
            self.weight.requires_grad_(False)
            self.a = nn.Parameter(torch.randn(rank, inputs) / inputs ** 0.5)
            self.b = nn.Parameter(torch.zeros(outputs, rank))

    def forward(self, x):
        y = x @ self.weight.T
        return y + (x @ self.a.T) @ self.b.T if self.rank else y


class RMSNorm(nn.Module):
    def __init__(self, width, trainable):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width), requires_grad=trainable)

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.weight


def rotate(x, cos, sin):
    """llama.cpp's "normal" rope: adjacent pairs (x₂ᵢ, x₂ᵢ₊₁) rotated by position · θᵢ."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.heads, self.kv_heads, self.head_size = a.heads, a.kv_heads, a.width // a.heads
        kv, r, full = self.kv_heads * self.head_size, a.lora_rank, a.lora_rank == 0
        self.attn_norm, self.ffn_norm = RMSNorm(a.width, full), RMSNorm(a.width, full)
        self.q, self.k, self.v = Projection(a.width, a.width, r), Projection(a.width, kv, r), Projection(a.width, kv, r)
        self.o = Projection(a.width, a.width, r)
        self.gate, self.up = Projection(a.width, a.hidden, r), Projection(a.width, a.hidden, r)
        self.down = Projection(a.hidden, a.width, r)

    def forward(self, x, cos, sin):
        b, t, c = x.shape
        h = self.attn_norm(x)
        q = rotate(self.q(h).view(b, t, self.heads, self.head_size), cos, sin).transpose(1, 2)
        k = rotate(self.k(h).view(b, t, self.kv_heads, self.head_size), cos, sin).transpose(1, 2)
        v = self.v(h).view(b, t, self.kv_heads, self.head_size).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        x = x + self.o(y.transpose(1, 2).reshape(b, t, c))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Llama(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.embedding = nn.Parameter(torch.randn(a.vocabulary, a.width) * 0.02, requires_grad=a.lora_rank == 0)
        self.blocks = nn.ModuleList(Block(a) for _ in range(a.layers))
        self.norm = RMSNorm(a.width, a.lora_rank == 0)
        half = a.width // a.heads // 2
        theta = torch.arange(a.time)[:, None] * 100000.0 ** (-torch.arange(half) / half)
        self.cos, self.sin = theta.cos()[None, :, None, :], theta.sin()[None, :, None, :]

    def forward(self, tokens, targets, learned):
        x = self.embedding[tokens]
        for block in self.blocks:
            x = block(x, self.cos, self.sin)
        logits = self.norm(x[:, learned]) @ self.embedding.T
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets[:, learned].reshape(-1))


def main():
    parser = argparse.ArgumentParser()
    for name, default in [("layers", 30), ("width", 576), ("heads", 9), ("kv-heads", 3), ("hidden", 1536),
                          ("vocabulary", 49152), ("batch", 8), ("time", 64), ("lora-rank", 16), ("steps", 5),
                          ("threads", 2)]:
        parser.add_argument(f"--{name}", type=int, default=default)
    a = parser.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(a.threads)
    model = Llama(a)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    tokens = torch.randint(0, a.vocabulary, (a.batch, a.time))
    targets = torch.randint(0, a.vocabulary, (a.batch, a.time))
    learned = torch.arange(a.time // 2, a.time)
    times = []
    for step in range(2 + a.steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = model(tokens, targets, learned)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        optimizer.step()
        if step >= 2:
            times.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "trained_values": sum(p.numel() for p in trained),
                      "median_step_seconds": median, "tokens_per_second": a.batch * a.time / median}))


if __name__ == "__main__":
    main()
