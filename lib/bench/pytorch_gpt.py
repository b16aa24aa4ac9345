"""The PyTorch reference for lib/bin/benchmark: the course GPT written in plain PyTorch, timed the
same way as the Java side, in the same invocation, so the two are compared on the same machine.

usage: python3 pytorch_gpt.py PHASE CONFIG_JSON
  PHASE   probe | matmul | train | generate
  CONFIG  {"vocab": 63, "block": 128, "layers": 4, "heads": 4, "embed": 128, "dropout": 0.1,
           "batch": 32, "lr": 1e-3, "min_lr": 1e-4, "warmup": 1000, "total": 10000, "weight_decay": 0.1,
           "grad_clip": 1.0, "threads": 2, "steps": 60, "warmup_steps": 5, "tokens": "/path/train.int32",
           "prompt": [..], "new_tokens": 110, "rounds": 3, "matmul_sizes": [512, 1024, 2048],
           "matmul_rounds": 10}
Prints one JSON object on stdout. The model mirrors fasttrack.nn.Gpt: token + learned position
embeddings, pre-norm blocks (LayerNorm, causal multi-head attention with one qkv projection,
LayerNorm, GELU MLP of width 4C), dropout after the embeddings and after each sub-layer, a final
LayerNorm, an untied head without bias; AdamW (0.9, 0.95, eps 1e-8, decay on matrices only),
warm-up + cosine learning rate, gradient clipping by global norm.
"""
import json
import math
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, c, heads, dropout):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(c, 3 * c)
        self.projection = nn.Linear(c, c)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, cache=None):
        b, t, c = x.shape
        q, k, v = (part.view(b, t, self.heads, c // self.heads).transpose(1, 2) for part in self.qkv(x).split(c, dim=2))
        if cache is not None:  # cache: a list holding this layer's (keys, values) so far
            if cache:
                k = torch.cat((cache[0], k), dim=2)
                v = torch.cat((cache[1], v), dim=2)
            cache[:] = [k, v]
        s = k.shape[2]
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        mask = torch.ones(t, s, dtype=torch.bool).triu(s - t + 1)  # query i sees keys up to s - t + i
        weights = scores.masked_fill(mask, float("-inf")).softmax(dim=-1)
        y = (weights @ v).transpose(1, 2).reshape(b, t, c)
        return self.dropout(self.projection(y))


class Block(nn.Module):
    def __init__(self, c, heads, dropout):
        super().__init__()
        self.norm1 = nn.LayerNorm(c)
        self.attention = CausalSelfAttention(c, heads, dropout)
        self.norm2 = nn.LayerNorm(c)
        self.feed_forward = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c), nn.Dropout(dropout))

    def forward(self, x, cache=None):
        x = x + self.attention(self.norm1(x), cache)
        return x + self.feed_forward(self.norm2(x))


class Gpt(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["embed"]
        self.tokens = nn.Embedding(cfg["vocab"], c)
        self.positions = nn.Embedding(cfg["block"], c)
        self.dropout = nn.Dropout(cfg["dropout"])
        self.blocks = nn.ModuleList(Block(c, cfg["heads"], cfg["dropout"]) for _ in range(cfg["layers"]))
        self.final_norm = nn.LayerNorm(c)
        self.head = nn.Linear(c, cfg["vocab"], bias=False)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, caches=None):
        offset = caches[0][0].shape[2] if caches and caches[0] else 0
        positions = torch.arange(offset, offset + ids.shape[1])
        h = self.dropout(self.tokens(ids) + self.positions(positions))
        for i, block in enumerate(self.blocks):
            h = block(h, None if caches is None else caches[i])
        return self.head(self.final_norm(h))


def learning_rate(cfg, step):
    """Linear warm-up to lr, then cosine decay to min_lr at the end of the run (as LearningRateSchedule)."""
    if step < cfg["warmup"]:
        return cfg["lr"] * (step + 1) / cfg["warmup"]
    progress = min(1.0, (step - cfg["warmup"]) / max(1, cfg["total"] - cfg["warmup"]))
    return cfg["min_lr"] + 0.5 * (cfg["lr"] - cfg["min_lr"]) * (1 + math.cos(math.pi * progress))


def probe(cfg):
    """What this process computes with: after a small matrix product (so its BLAS is loaded and has run), the
    shared libraries mapped, as the linker resolved them (which libblas.so.3 Debian's alternatives and
    LD_LIBRARY_PATH gave it), and ATen's parallel backend."""
    a = torch.randn(64, 64)
    a @ a
    info = torch.__config__.parallel_info().splitlines()
    backend = next((line.split(":", 1)[1].strip() for line in info if line.startswith("ATen parallel backend")), "unknown")
    return {"libraries": mapped_libraries(), "parallel_backend": backend}


def mapped_libraries():
    """Each shared object in /proc/self/maps once (address perms offset dev inode path); none where there is no /proc."""
    try:
        with open("/proc/self/maps") as maps:
            fields = [line.split(None, 5) for line in maps]
    except OSError:
        return []
    paths = [f[5].strip() for f in fields if len(f) == 6 and f[5].startswith("/") and ".so" in f[5].rsplit("/", 1)[-1]]
    return list(dict.fromkeys(paths))


def matmul(cfg):
    """The best float32 GFLOP/s of square matrix products of several sizes: the ceiling no training step can beat."""
    best = 0.0
    for n in cfg["matmul_sizes"]:
        a, b = torch.randn(n, n), torch.randn(n, n)
        for _ in range(3):
            a @ b
        for _ in range(cfg["matmul_rounds"]):
            start = time.perf_counter()
            a @ b
            best = max(best, 2 * n ** 3 / (time.perf_counter() - start) / 1e9)
    return {"gflops": best}


def train(cfg):
    tokens = torch.from_numpy(np.fromfile(cfg["tokens"], dtype="<i4").astype(np.int64))
    model = Gpt(cfg)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["weight_decay"]}, {"params": other, "weight_decay": 0.0}],
                                  lr=cfg["lr"], betas=(0.9, 0.95), eps=1e-8)
    model.train()
    b, t = cfg["batch"], cfg["block"]
    times = []
    for step in range(cfg["warmup_steps"] + cfg["steps"]):
        start = time.perf_counter()
        offsets = torch.randint(len(tokens) - t, (b,))
        x = torch.stack([tokens[o:o + t] for o in offsets])
        y = torch.stack([tokens[o + 1:o + t + 1] for o in offsets])
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(cfg, step)
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), y.view(-1))
        if not math.isfinite(loss.item()):
            raise RuntimeError("loss %s at step %d" % (loss.item(), step))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= cfg["warmup_steps"]:
            times.append(time.perf_counter() - start)
    return {"ms_per_step": 1000 * statistics.median(times), "parameters": sum(p.numel() for p in model.parameters()),
            "final_loss": loss.item()}


@torch.no_grad()
def generate(model, cfg, prompt, use_cache):
    """Greedy decoding of new_tokens tokens after the prompt; returns tokens/s."""
    ids = torch.tensor([prompt])
    caches = [[] for _ in model.blocks] if use_cache else None
    start = time.perf_counter()
    for _ in range(cfg["new_tokens"]):
        if use_cache:
            if caches[0] and caches[0][0].shape[2] >= cfg["block"]:  # the window slides: prefill afresh
                caches = [[] for _ in model.blocks]
            logits = model(ids[:, -cfg["block"]:] if not caches[0] else ids[:, -1:], caches)
        else:
            logits = model(ids[:, -cfg["block"]:])
        ids = torch.cat((ids, logits[:, -1].argmax(-1, keepdim=True)), dim=1)
    return cfg["new_tokens"] / (time.perf_counter() - start)


def generation(cfg):
    torch.manual_seed(1)
    model = Gpt(cfg).eval()
    best = {}
    for threads in (1, cfg["threads"]) if cfg["threads"] > 1 else (1,):
        torch.set_num_threads(threads)
        generate(model, cfg, cfg["prompt"], False)  # one untimed run of each, as the Java side does
        generate(model, cfg, cfg["prompt"], True)
        plain = cached = 0.0
        for _ in range(cfg["rounds"]):  # alternate, best of each: neither benefits from the other's warm-up
            plain = max(plain, generate(model, cfg, cfg["prompt"], False))
            cached = max(cached, generate(model, cfg, cfg["prompt"], True))
        best["threads_%d" % threads] = {"plain": plain, "cached": cached}
    return best


def main():
    phase, cfg = sys.argv[1], json.loads(sys.argv[2])
    torch.manual_seed(1337)
    torch.set_num_threads(cfg["threads"])
    result = {"probe": probe, "matmul": matmul, "train": train, "generate": generation}[phase](cfg)
    result["torch"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
