#!/usr/bin/env python3
"""Continual pre-training of a LLaMA-MoE checkpoint written by `assay moe build --format llama-moe`.

Written for Assay (launched by `assay moe train`; also runnable by hand or under torchrun). Needs only
PyTorch: safetensors are read and written here (8-byte little-endian header length, JSON header, raw
tensors), so the `safetensors` package is not required.

Output protocol: one JSON object per line on stdout ({"event": "step" | "eval" | "checkpoint" | "done" |
"error" | "check", ...}); Assay turns them into its progress line. A bad input prints an "error" event and
exits 2.
"""
import argparse
import json
import math
import os
import random
import shutil
import struct
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # reported by --check, and by the launcher before it runs us
    torch = None

DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16", "F64": "float64"}
CKPT_PREFIX = "checkpoint-"


class InputError(Exception):
    """A user mistake: reported as one line, exit status 2."""


def emit(event, **fields):
    if int(os.environ.get("RANK", "0")) != 0 and event not in ("error",):
        return
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------------------
# safetensors


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise InputError(f"{path}: too short for a safetensors file")
        (n,) = struct.unpack("<Q", raw)
        try:
            header = json.loads(f.read(n))
        except ValueError as e:
            raise InputError(f"{path}: safetensors header is not JSON ({e})")
        data = f.read()
    tensors = {}
    dtypes = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dt = info["dtype"]
        if dt not in DTYPES:
            raise InputError(f"{path}: tensor {name} has unsupported dtype {dt}")
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=getattr(torch, DTYPES[dt])) if b > a else torch.empty(0)
        tensors[name] = t.reshape(info["shape"]).clone()
        dtypes[name] = dt
    return tensors, dtypes


def write_safetensors(path, tensors, dtypes):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        dt = dtypes.get(name, "F32")
        t = tensors[name].detach().to("cpu", getattr(torch, DTYPES[dt])).contiguous()
        # bytes of any dtype (bfloat16 has no numpy view): reinterpret as uint8
        b = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------------------
# model


def per_layer(value, L, what):
    if isinstance(value, (int, float)):
        return [float(value)] * L
    if isinstance(value, list) and len(value) == L:
        return [float(v) for v in value]
    raise InputError(f"config.json: {what} must be a number or one number per layer")


class MoeConfig:
    def __init__(self, cfg, path):
        t = cfg.get("model_type")
        if t not in ("llama_moe", "llama_moe_residual"):
            raise InputError(
                f"{path}: model_type {json.dumps(t)} is not LLaMA-MoE (build one with `assay moe build --format llama-moe`)"
            )
        self.residual = t == "llama_moe_residual"
        self.d = cfg["hidden_size"]
        self.L = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg.get("num_key_value_heads", self.heads)
        self.head_dim = cfg.get("head_dim") or self.d // self.heads
        self.vocab = cfg["vocab_size"]
        self.eps = cfg.get("rms_norm_eps", 1e-5)
        self.theta = cfg.get("rope_theta", 10000.0)
        self.max_pos = cfg.get("max_position_embeddings", 2048)
        self.E = cfg["num_experts"]
        self.k = cfg["num_selects"]
        self.R = cfg.get("num_experts_residual", 0) if self.residual else 0
        self.scale = per_layer(cfg.get("score_scale_factor", 1.0), self.L, "score_scale_factor")
        self.res_scale = float(cfg.get("score_scale_factor_residual", 1.0))
        self.noise = bool(cfg.get("gate_add_noise", True))
        self.noise_eps = float(cfg.get("gate_noise_epsilon", 0.01))
        self.use_balance = bool(cfg.get("gate_use_balance", True))
        self.balance_weight = float(cfg.get("gate_balance_loss_weight", 0.01))
        self.tied = bool(cfg.get("tie_word_embeddings", False))


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def cv_squared(x):
    # variance (unbiased) over mean squared, as the paper's balance loss
    if x.numel() <= 1:
        return x.new_zeros(())
    return x.float().var() / (x.float().mean() ** 2 + 1e-10)


class MoeLM(torch.nn.Module if torch else object):
    """The LLaMA-MoE forward: LLaMA attention, and per layer a top-k gate over routed experts (softmax over the
    selected logits, times the score scale factor) plus optional always-on residual experts."""

    def __init__(self, cfg, tensors):
        super().__init__()
        self.cfg = cfg
        # parameter names are the checkpoint's with "." → "__" (Module names cannot hold dots)
        self.names = list(tensors)
        self.params = torch.nn.ParameterDict(
            {n.replace(".", "__"): torch.nn.Parameter(t.float()) for n, t in tensors.items()}
        )
        inv = 1.0 / (cfg.theta ** (torch.arange(0, cfg.head_dim, 2, dtype=torch.float32) / cfg.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)
        self.moe_prefix = [
            f"model.layers.{l}.mlp.moe_layer" if cfg.residual else f"model.layers.{l}.mlp" for l in range(cfg.L)
        ]
        self.gate_mlp = f"{self.moe_prefix[0]}.gate.gate_network.0.weight" in tensors

    def p(self, name):
        return self.params[name.replace(".", "__")]

    def has(self, name):
        return name.replace(".", "__") in self.params

    def state(self):
        return {n: self.p(n) for n in self.names}

    def expert(self, prefix, j, x):
        g = F.linear(x, self.p(f"{prefix}.weight_gate.{j}"))
        u = F.linear(x, self.p(f"{prefix}.weight_up.{j}"))
        h = F.silu(g) * u
        if self.observe is not None:
            self.observe(prefix, j, h)
        return F.linear(h, self.p(f"{prefix}.weight_down.{j}"))

    observe = None  # callback(prefix, j, activations) (gradient importance)
    all_experts = False  # every expert with weight 1: for a disjoint split exactly the dense FFN
    dense_weight = 0.0  # training only (--fade-steps): λ of the blend with the all-experts (dense) FFN

    def moe(self, l, x):
        """x: [T, d] → (y [T, d], balance loss, per-expert selection counts)."""
        c = self.cfg
        pre = self.moe_prefix[l]
        if self.all_experts:
            y = sum(self.expert(f"{pre}.calculator.experts", j, x) for j in range(c.E))
            if c.R:
                rp = f"model.layers.{l}.mlp.residual_block.calculator.experts"
                y = y + sum(self.expert(rp, j, x) for j in range(c.R))
            return y, x.new_zeros(()), torch.zeros(c.E)
        if self.gate_mlp:
            logits = F.linear(
                torch.tanh(F.linear(x, self.p(f"{pre}.gate.gate_network.0.weight"))),
                self.p(f"{pre}.gate.gate_network.2.weight"),
            )
        else:
            logits = F.linear(x, self.p(f"{pre}.gate.gate_network.weight"))
        noisy = self.training and c.noise and self.has(f"{pre}.gate.weight_noise.weight")
        if noisy:
            std = F.softplus(F.linear(x, self.p(f"{pre}.gate.weight_noise.weight"))) + c.noise_eps
            scored = logits + torch.randn_like(logits) * std
        else:
            scored = logits
        kk = min(c.k + 1, c.E)
        top_v, top_i = scored.topk(kk, dim=-1)
        sel_v, sel_i = top_v[:, : c.k], top_i[:, : c.k]
        scores = torch.softmax(sel_v.float(), dim=-1).to(x.dtype)
        y = torch.zeros_like(x)
        counts = torch.zeros(c.E)
        if self.dense_weight > 0:
            # gradual routing: (1 − λ)·top-k output + λ·(every expert at weight 1, the dense FFN for a disjoint
            # split), λ fading from 1 to 0 over --fade-steps; every expert runs on every token meanwhile
            lam = self.dense_weight
            w = torch.zeros_like(scored).scatter(1, sel_i, scores * c.scale[l]) * (1 - lam) + lam
            for j in range(c.E):
                counts[j] = (sel_i == j).sum()
                y = y + self.expert(f"{pre}.calculator.experts", j, x) * w[:, j : j + 1]
        else:
            for j in range(c.E):
                rows, slot = (sel_i == j).nonzero(as_tuple=True)
                counts[j] = rows.numel()
                if rows.numel() == 0:
                    continue
                out = self.expert(f"{pre}.calculator.experts", j, x[rows]) * scores[rows, slot].unsqueeze(-1)
                y = y.index_add(0, rows, out)
            y = y * c.scale[l]
        if c.R:
            rp = f"model.layers.{l}.mlp.residual_block.calculator.experts"
            for j in range(c.R):
                y = y + self.expert(rp, j, x) * (c.res_scale / c.R)
        balance = x.new_zeros(())
        if self.training and c.use_balance:
            importance = torch.zeros_like(scored).scatter(1, sel_i, scores).sum(0)
            if noisy and c.k < c.E:
                # smooth load (Shazeer et al.): probability that each expert stays in the top k under new noise
                thr_in = top_v[:, c.k : c.k + 1]
                thr_out = top_v[:, c.k - 1 : c.k]
                normal = torch.distributions.Normal(0.0, 1.0)
                p_in = normal.cdf((logits - thr_in) / std)
                p_out = normal.cdf((logits - thr_out) / std)
                load = torch.where(scored > thr_in, p_in, p_out).sum(0)
            else:
                load = (torch.zeros_like(scored).scatter(1, sel_i, 1.0)).sum(0)
            balance = c.balance_weight * (cv_squared(importance) + cv_squared(load))
        return y, balance, counts

    def forward(self, ids):
        """ids [B, T] → logits [B, T, V], summed balance loss, counts [L, E]."""
        c = self.cfg
        B, T = ids.shape
        x = F.embedding(ids, self.p("model.embed_tokens.weight"))
        pos = torch.arange(T, device=ids.device, dtype=torch.float32)
        ang = torch.outer(pos, self.inv_freq)
        cos = torch.cat((ang, ang), -1).cos()
        sin = torch.cat((ang, ang), -1).sin()
        mask = torch.full((T, T), float("-inf"), device=ids.device).triu(1)
        total_balance = x.new_zeros(())
        counts = []
        for l in range(c.L):
            pre = f"model.layers.{l}"
            h = rms_norm(x, self.p(f"{pre}.input_layernorm.weight"), c.eps)
            q = F.linear(h, self.p(f"{pre}.self_attn.q_proj.weight")).view(B, T, c.heads, c.head_dim).transpose(1, 2)
            k = F.linear(h, self.p(f"{pre}.self_attn.k_proj.weight")).view(B, T, c.kv_heads, c.head_dim).transpose(1, 2)
            v = F.linear(h, self.p(f"{pre}.self_attn.v_proj.weight")).view(B, T, c.kv_heads, c.head_dim).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if c.kv_heads != c.heads:
                rep = c.heads // c.kv_heads
                k = k.repeat_interleave(rep, dim=1)
                v = v.repeat_interleave(rep, dim=1)
            att = (q @ k.transpose(-1, -2)) / math.sqrt(c.head_dim) + mask
            o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, c.heads * c.head_dim)
            x = x + F.linear(o, self.p(f"{pre}.self_attn.o_proj.weight"))
            h = rms_norm(x, self.p(f"{pre}.post_attention_layernorm.weight"), c.eps)
            y, bal, cnt = self.moe(l, h.reshape(B * T, c.d))
            x = x + y.view(B, T, c.d)
            total_balance = total_balance + bal
            counts.append(cnt)
        x = rms_norm(x, self.p("model.norm.weight"), c.eps)
        head = self.p("lm_head.weight") if self.has("lm_head.weight") else self.p("model.embed_tokens.weight")
        return F.linear(x, head), total_balance, torch.stack(counts)


# ---------------------------------------------------------------------------------------------------------
# data


def load_data(path):
    train, valid = {}, {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise InputError(f"{path}:{n}: not JSON ({e})")
            toks = rec.get("tokens")
            if not isinstance(toks, list) or len(toks) < 2:
                raise InputError(f"{path}:{n}: field \"tokens\" must be a list of at least 2 token ids")
            dom = str(rec.get("domain", "default"))
            target = valid if rec.get("split") == "valid" else train
            target.setdefault(dom, []).append((toks, rec.get("dense_nll")))
    if not train:
        raise InputError(f"{path}: no training sequences (records without \"split\": \"valid\")")
    return train, valid


def sample_batch(pools, weights, domains, batch, block, rng):
    """`batch` rows of block + 1 tokens: a domain drawn by weight, then a random window of one of its sequences."""
    rows = []
    picked = rng.choices(domains, weights=[weights[d] for d in domains], k=batch)
    for d in picked:
        seq = rng.choice(pools[d])[0]
        if len(seq) > block + 1:
            s = rng.randrange(0, len(seq) - block)
            seq = seq[s : s + block + 1]
        rows.append(seq)
    width = max(len(r) for r in rows)
    ids = torch.zeros((batch, width), dtype=torch.long)
    labels = torch.full((batch, width), -100, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        labels[i, : len(r)] = torch.tensor(r)
    return ids[:, :-1], labels[:, 1:], picked


# ---------------------------------------------------------------------------------------------------------
# checkpoints


def list_checkpoints(out):
    if not os.path.isdir(out):
        return []
    names = [n for n in os.listdir(out) if n.startswith(CKPT_PREFIX) and not n.endswith(".tmp")]
    return sorted(names, key=lambda n: int(n[len(CKPT_PREFIX) :]))


def save_checkpoint(out, step, model, dtypes, base_dir, cfg_json, state, optimizer, keep):
    final = os.path.join(out, f"{CKPT_PREFIX}{step:06d}")
    tmp = final + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(cfg_json, f, indent=2)
    for extra in ("moe_split.json", "configuration_llama_moe.py", "modeling_llama_moe_hf.py"):
        if os.path.exists(os.path.join(base_dir, extra)):
            shutil.copy(os.path.join(base_dir, extra), os.path.join(tmp, extra))
    write_safetensors(os.path.join(tmp, "model.safetensors"), {n: p.data for n, p in model.state().items()}, dtypes)
    torch.save({"optimizer": optimizer.state_dict(), "torch_rng": torch.get_rng_state()}, os.path.join(tmp, "optimizer.pt"))
    with open(os.path.join(tmp, "trainer_state.json"), "w") as f:
        json.dump(state, f, indent=2)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)  # a kill leaves either the previous checkpoint or this one, never half of one
    for old in list_checkpoints(out)[:-keep]:
        shutil.rmtree(os.path.join(out, old), ignore_errors=True)
    return final


# ---------------------------------------------------------------------------------------------------------
# schedule and sampling


def lr_at(step, args):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    span = max(1, args.steps - args.warmup)
    progress = min(1.0, (step - args.warmup) / span)
    floor = args.lr * args.final_lr_portion
    return floor + (args.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def fade_at(step, fade_steps):
    """λ at this step: 1 → 0 linearly over --fade-steps (0: plain top-k from the start)."""
    return max(0.0, 1.0 - step / fade_steps) if fade_steps > 0 else 0.0


def dynamic_update(weights, losses, ref, domains, eta, c):
    """The reference's `sheared_llama` dynamic rule: w ← (1 − c)·softmax(log w + η·(L − L_ref)) + c/D."""
    logits = [math.log(max(weights[d], 1e-12)) + eta * (losses[d] - ref[d]) for d in domains]
    m = max(logits)
    z = sum(math.exp(v - m) for v in logits)
    D = len(domains)
    return {d: (1 - c) * math.exp(v - m) / z + c / D for d, v in zip(domains, logits)}


@torch.no_grad() if torch else (lambda f: f)
def evaluate(model, valid, block, device, limit):
    model.eval()
    fade, model.dense_weight = model.dense_weight, 0.0  # always the plain top-k model
    out = {}
    for dom, seqs in valid.items():
        nll, n = 0.0, 0
        for toks, _ in seqs[:limit]:
            toks = toks[: block + 1]
            ids = torch.tensor([toks[:-1]], device=device)
            logits, _, _ = model(ids)
            nll += F.cross_entropy(logits[0].float(), torch.tensor(toks[1:], device=device), reduction="sum").item()
            n += len(toks) - 1
        out[dom] = nll / max(1, n)
    model.train()
    model.dense_weight = fade
    return out


# ---------------------------------------------------------------------------------------------------------
# gradient importance (the paper's importance-based expert construction)


def kmeans(points, k, seed, iterations=50):
    """Plain k-means (k-means++ seeding) on rows; returns a label per row."""
    g = torch.Generator().manual_seed(seed)
    centres = [points[torch.randint(len(points), (1,), generator=g).item()]]
    while len(centres) < k:
        d = torch.cdist(points, torch.stack(centres)).min(1).values ** 2
        centres.append(points[torch.multinomial(d + 1e-12, 1, generator=g).item()])
    c = torch.stack(centres)
    for _ in range(iterations):
        labels = torch.cdist(points, c).argmin(1)
        for j in range(k):
            if (labels == j).any():
                c[j] = points[labels == j].mean(0)
    return torch.cdist(points, c).argmin(1)


def gradient_importance(args, cfg, tensors, train_pools):
    """Per dense neuron and data cluster: Σ_tokens |h_i · ∂L/∂h_i| (first-order estimate of the loss change when
    neuron i is removed), with the MoE run as its dense equivalent (every expert, weight 1). Sequences are
    grouped into --clusters clusters by k-means on their mean first-layer FFN input."""
    split_file = os.path.join(args.model, "moe_split.json")
    if not os.path.exists(split_file):
        raise InputError(f"{args.model}: no moe_split.json (the neuron indices of each expert)")
    with open(split_file) as f:
        split = json.load(f)
    if split.get("sharing"):
        raise InputError(f"{split_file}: a sharing split does not map experts back to the dense FFN one to one")
    width = split["intermediateSize"]
    model = MoeLM(cfg, tensors)
    model.all_experts = True
    model.eval()
    seqs = [toks[: args.block + 1] for d in sorted(train_pools) for toks, _ in train_pools[d]]
    C = args.clusters
    if len(seqs) < C:
        raise InputError(f"--clusters {C}: only {len(seqs)} training sequences")
    # cluster the sequences on their mean layer-0 FFN input
    feats = []
    with torch.no_grad():
        for toks in seqs:
            x = F.embedding(torch.tensor(toks), model.p("model.embed_tokens.weight"))
            feats.append(x.mean(0))
    labels = kmeans(torch.stack(feats), C, args.seed).tolist()
    scores = torch.zeros(cfg.L, C, width, dtype=torch.float64)
    prefix_layer = {}
    for l in range(cfg.L):
        prefix_layer[f"{model.moe_prefix[l]}.calculator.experts"] = (l, "experts")
        prefix_layer[f"model.layers.{l}.mlp.residual_block.calculator.experts"] = (l, "residual")
    captured = []
    model.observe = lambda prefix, j, h: (h.retain_grad(), captured.append((prefix, j, h)))
    for n, toks in enumerate(seqs):
        captured.clear()
        model.zero_grad(set_to_none=True)
        ids = torch.tensor([toks])
        logits, _, _ = model(ids[:, :-1])
        F.cross_entropy(logits[0], ids[0, 1:]).backward()
        for prefix, j, h in captured:
            l, kind = prefix_layer[prefix]
            neurons = split["layers"][l][kind][j]
            s = (h * h.grad).abs().sum(0).double()
            scores[l, labels[n]].index_add_(0, torch.tensor(neurons), s)
        emit("importance", sequence=n + 1, sequences=len(seqs))
    with open(args.importance, "w") as f:
        json.dump({"scores": scores.tolist(), "clusters": labels, "method": "gradient |h·dL/dh|"}, f)
    emit("done", importance=args.importance, sequences=len(seqs), clusters=C)


# ---------------------------------------------------------------------------------------------------------


def check():
    info = {"python": sys.executable, "python_version": sys.version.split()[0], "torch": None, "devices": []}
    if torch is not None:
        info["torch"] = torch.__version__
        info["devices"].append({"type": "cpu", "threads": torch.get_num_threads()})
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                p = torch.cuda.get_device_properties(i)
                info["devices"].append(
                    {"type": "cuda", "index": i, "name": p.name, "memory_gb": round(p.total_memory / 2**30, 1),
                     "bf16": torch.cuda.is_bf16_supported()}
                )
        info["distributed"] = torch.distributed.is_available()
    emit("check", **info)


def parse_args(argv):
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--check", action="store_true")
    a.add_argument("--model")
    a.add_argument("--data")
    a.add_argument("--out")
    a.add_argument("--steps", type=int, default=300)
    a.add_argument("--batch", type=int, default=8)
    a.add_argument("--block", type=int, default=128)
    a.add_argument("--lr", type=float, default=2e-4)
    a.add_argument("--final-lr-portion", type=float, default=0.1)
    a.add_argument("--warmup", type=int, default=100)
    a.add_argument("--weight-decay", type=float, default=0.1)
    a.add_argument("--clip", type=float, default=1.0)
    a.add_argument("--save-every", type=int, default=100)
    a.add_argument("--eval-every", type=int, default=50)
    a.add_argument("--eval-sequences", type=int, default=32)
    a.add_argument("--keep", type=int, default=2)
    a.add_argument("--sampling", choices=["static", "dynamic"], default="static")
    a.add_argument("--domain-weights", default="", help="JSON object domain → weight (default: uniform)")
    a.add_argument("--dynamic-eta", type=float, default=1.0)
    a.add_argument("--dynamic-c", type=float, default=1e-4)
    a.add_argument("--reference-loss", default="", help="JSON object domain → loss (default: dense_nll in the data)")
    a.add_argument("--no-noise", action="store_true")
    a.add_argument("--balance-weight", type=float, default=None)
    a.add_argument("--freeze-dense", action="store_true",
                   help="train only the MoE layers (experts and gates); embeddings, attention and norms stay the dense model's")
    a.add_argument("--dense-lr-scale", type=float, default=1.0,
                   help="learning rate of the weights outside the MoE layers (embeddings, attention, norms) as a multiple of --lr; 0 freezes them")
    a.add_argument("--optimizer", choices=["adamw", "sgd"], default="adamw")
    a.add_argument("--momentum", type=float, default=0.9, help="--optimizer sgd: Nesterov momentum")
    a.add_argument("--adam-eps", type=float, default=1e-8,
                   help="AdamW ε; larger values damp the steps of weights whose gradients are small (the pre-trained optimum)")
    a.add_argument("--gate-lr-scale", type=float, default=1.0, help="learning rate of the gates as a multiple of --lr")
    a.add_argument("--fade-steps", type=int, default=0,
                   help="gradual routing: train (1 − λ)·top-k + λ·dense FFN (every expert at weight 1), λ from 1 to 0 over this many steps")
    a.add_argument("--distill", type=float, default=0.0,
                   help="weight α of KL(dense ‖ MoE) in the loss (1 − α on the sampled tokens); the dense teacher is the input export run with every expert")
    a.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto")
    a.add_argument("--device", default="auto")
    a.add_argument("--threads", type=int, default=0)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--log-every", type=int, default=10)
    a.add_argument("--stop-after", type=int, default=0, help="testing: exit after this many steps of this run")
    a.add_argument("--eval-only", action="store_true", help="print the validation loss per domain and exit")
    a.add_argument("--importance", default="", help="write gradient importance scores (JSON) here and exit")
    a.add_argument("--clusters", type=int, default=0, help="--importance: data clusters (default: num_experts)")
    return a.parse_args(argv)


def train(args):
    for flag in ("model", "data") if args.importance else ("model", "data", "out"):
        if not getattr(args, flag):
            raise InputError(f"--{flag} is required")
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if args.threads:
        torch.set_num_threads(args.threads)
    device = args.device
    if device == "auto":
        device = f"cuda:{local}" if torch.cuda.is_available() else "cpu"
    if world > 1:
        torch.distributed.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    if device.startswith("cuda"):
        torch.cuda.set_device(device)
    bf16 = args.precision == "bf16" or (
        args.precision == "auto" and device.startswith("cuda") and torch.cuda.is_bf16_supported()
    )

    cfg_path = os.path.join(args.model, "config.json")
    if not os.path.exists(cfg_path):
        raise InputError(f"{args.model}: no config.json (expected a LLaMA-MoE folder from `assay moe build`)")
    with open(cfg_path) as f:
        cfg_json = json.load(f)
    cfg = MoeConfig(cfg_json, cfg_path)
    if args.no_noise:
        cfg.noise = False
    if args.balance_weight is not None:
        cfg.balance_weight = args.balance_weight
    train_pools, valid = load_data(args.data)
    domains = sorted(train_pools)
    weights = {d: 1.0 / len(domains) for d in domains}
    if args.domain_weights:
        given = json.loads(args.domain_weights)
        for d, w in given.items():
            if d not in train_pools:
                raise InputError(f"--domain-weights: domain {json.dumps(d)} has no training sequences in {args.data}")
            if not isinstance(w, (int, float)) or w < 0 or not math.isfinite(w):
                raise InputError(f"--domain-weights: weight of {json.dumps(d)} must be a finite number ≥ 0")
        total = sum(given.get(d, 0) for d in domains)
        if total <= 0:
            raise InputError("--domain-weights: the weights must not all be 0")
        weights = {d: given.get(d, 0) / total for d in domains}
    ref = {}
    if args.sampling == "dynamic":
        if args.reference_loss:
            ref = {d: float(v) for d, v in json.loads(args.reference_loss).items()}
        else:
            for d, seqs in valid.items():
                vals = [v for _, v in seqs if isinstance(v, (int, float))]
                if vals:
                    ref[d] = sum(vals) / len(vals)
        missing = [d for d in domains if d not in ref or d not in valid]
        if missing:
            raise InputError(
                f"--sampling dynamic needs validation sequences and a reference loss for every domain; missing for {', '.join(missing)}"
            )

    if args.importance:
        tensors, _ = read_safetensors(os.path.join(args.model, "model.safetensors"))
        args.clusters = args.clusters or cfg.E
        gradient_importance(args, cfg, tensors, train_pools)
        return

    # resume from the newest checkpoint, if any
    os.makedirs(args.out, exist_ok=True)
    existing = list_checkpoints(args.out)
    source = os.path.join(args.out, existing[-1]) if existing else args.model
    tensors, dtypes = read_safetensors(os.path.join(source, "model.safetensors"))
    state = {"step": 0, "tokens": 0, "weights": weights, "seed": args.seed}
    if existing:
        with open(os.path.join(source, "trainer_state.json")) as f:
            state = json.load(f)
        weights = state["weights"]
    torch.manual_seed(args.seed * 1000 + rank + state["step"])
    rng = random.Random(f"{args.seed}-{rank}-{state['step']}")

    model = MoeLM(cfg, tensors).to(device)
    teacher = None
    if args.distill > 0:
        # The input export with every expert at weight 1 is exactly the dense FFN (disjoint splits), so the dense
        # parent's next-token distribution comes at the cost of one forward pass without gradients.
        if not 0 < args.distill <= 1:
            raise InputError("--distill must be in (0, 1]")
        split_file = os.path.join(args.model, "moe_split.json")
        if os.path.exists(split_file):
            with open(split_file) as f:
                if json.load(f).get("sharing"):
                    raise InputError(f"--distill: {args.model} has a sharing split; its experts do not sum to the dense FFN")
        # its own copy: the student's float32 parameters may share storage with `tensors`
        base = read_safetensors(os.path.join(args.model, "model.safetensors"))[0]
        teacher = MoeLM(cfg, {n: t.float().clone() for n, t in base.items()}).to(device)
        teacher.all_experts = True
        teacher.eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
    if args.eval_only:
        emit("eval", step=state["step"], valid_loss=evaluate(model, valid, min(args.block, cfg.max_pos), device, 10**9))
        return
    model.train()
    # Parameter groups: (kind, decays) → params. The pre-trained weights outside the MoE layers (embeddings,
    # attention, norms) already suit the task, and the gates are new: each kind has its own multiple of --lr.
    groups = {}
    for n, p in model.params.items():
        name = n.replace("__", ".")
        kind = "gate" if ".gate." in name else "expert" if ".mlp." in name else "dense"
        if kind == "dense" and (args.freeze_dense or args.dense_lr_scale == 0):
            p.requires_grad_(False)
            continue
        groups.setdefault((kind, p.dim() >= 2), []).append(p)
    lr_scale = {"dense": args.dense_lr_scale, "expert": 1.0, "gate": args.gate_lr_scale}
    param_groups = [
        {"params": ps, "weight_decay": args.weight_decay if decays else 0.0, "lr_scale": lr_scale[kind]}
        for (kind, decays), ps in sorted(groups.items())
    ]
    if args.optimizer == "sgd":
        # steps in proportion to the gradient: weights already at their optimum (small gradients) stay put
        optimizer = torch.optim.SGD(param_groups, lr=args.lr, momentum=args.momentum, nesterov=args.momentum > 0)
    else:
        optimizer = torch.optim.AdamW(param_groups, lr=args.lr, betas=(0.9, 0.95), eps=args.adam_eps)
    if existing:
        saved = torch.load(os.path.join(source, "optimizer.pt"), map_location=device)
        optimizer.load_state_dict(saved["optimizer"])
    wrapped = model
    if world > 1:
        wrapped = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[local] if device.startswith("cuda") else None, find_unused_parameters=True
        )
    weights_log = os.path.join(args.out, "domain_weights.jsonl")
    log_file = os.path.join(args.out, "train_log.jsonl")
    if rank == 0 and not existing:
        for p in (weights_log, log_file):
            if os.path.exists(p):
                os.remove(p)

    def log(path, rec):
        if rank == 0:
            with open(path, "a") as f:
                f.write(json.dumps(rec) + "\n")

    block = min(args.block, cfg.max_pos)
    if state["step"] == 0:
        log(weights_log, {"step": 0, "weights": weights})
    emit("start", step=state["step"], steps=args.steps, domains=domains, weights=weights, device=device,
         world=world, bf16=bf16, resumed_from=source if existing else None, parameters=sum(p.numel() for p in model.params.values()))
    started = time.time()
    window_tokens, window_start = 0, time.time()
    run_steps = 0
    last_path = os.path.join(args.out, existing[-1]) if existing else None
    while state["step"] < args.steps:
        step = state["step"]
        lr = lr_at(step, args)
        for g in optimizer.param_groups:
            g["lr"] = lr * g["lr_scale"]
        model.dense_weight = fade_at(step, args.fade_steps)
        ids, labels, picked = sample_batch(train_pools, weights, domains, args.batch, block, rng)
        ids, labels = ids.to(device), labels.to(device)
        with torch.autocast(device_type="cuda" if device.startswith("cuda") else "cpu", dtype=torch.bfloat16, enabled=bf16):
            logits, balance, counts = wrapped(ids)
            flat = logits.float().reshape(-1, cfg.vocab)
            lm = F.cross_entropy(flat, labels.reshape(-1), ignore_index=-100)
            objective = lm
            kl = None
            if teacher is not None:
                with torch.no_grad():
                    target = F.log_softmax(teacher(ids)[0].float().reshape(-1, cfg.vocab), -1)
                keep = labels.reshape(-1) != -100
                logp = F.log_softmax(flat, -1)
                kl = (target.exp() * (target - logp)).sum(-1)[keep].mean()
                objective = (1 - args.distill) * lm + args.distill * kl
        loss = objective + balance
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        ntok = int((labels != -100).sum().item()) * world
        state["step"] = step + 1
        state["tokens"] += ntok
        window_tokens += ntok
        run_steps += 1
        if state["step"] % args.log_every == 0 or state["step"] == args.steps:
            now = time.time()
            tps = window_tokens / max(now - window_start, 1e-9)
            window_tokens, window_start = 0, now
            load = (counts / counts.sum(1, keepdim=True).clamp(min=1)).tolist()
            rec = {"step": state["step"], "steps": args.steps, "loss": loss.item(), "lm_loss": lm.item(),
                   "balance_loss": balance.item(), **({"kl": kl.item()} if kl is not None else {}), "lr": lr, "grad_norm": float(gnorm), "tokens": state["tokens"],
                   "tokens_per_s": tps, "eta_s": (args.steps - state["step"]) * args.batch * block * world / max(tps, 1e-9),
                   "load": load}
            emit("step", **rec)
            log(log_file, rec)
        if valid and (state["step"] % args.eval_every == 0 or state["step"] == args.steps):
            losses = evaluate(model, valid, block, device, args.eval_sequences)
            rec = {"step": state["step"], "valid_loss": losses}
            if args.sampling == "dynamic":
                weights = dynamic_update(weights, losses, ref, domains, args.dynamic_eta, args.dynamic_c)
                state["weights"] = weights
                rec["weights"] = weights
                rec["reference_loss"] = ref
                log(weights_log, {"step": state["step"], "weights": weights, "valid_loss": losses})
            emit("eval", **rec)
            log(log_file, {"event": "eval", **rec})
        if rank == 0 and (state["step"] % args.save_every == 0 or state["step"] == args.steps):
            last_path = save_checkpoint(args.out, state["step"], model, dtypes, args.model, cfg_json, state, optimizer, args.keep)
            emit("checkpoint", step=state["step"], path=last_path)
        if args.stop_after and run_steps >= args.stop_after:
            break
    emit("done", step=state["step"], steps=args.steps, tokens=state["tokens"], seconds=time.time() - started,
         checkpoint=last_path, weights=weights)
    if world > 1:
        torch.distributed.destroy_process_group()


def keep_freed_memory():
    """glibc returns every freed block above 128 KB to the kernel and maps it again on the next step, so each
    step's activations cost page faults (stories260K, batch 16 × 128: system time 1.26 → 0.80 s over 15 steps of
    ≈ 5 s user time). Keep freed memory instead; ASSAY_MALLOC=default leaves glibc's settings alone."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD (glibc's maximum, 32 MB)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def main(argv):
    args = parse_args(argv)
    if os.environ.get("ASSAY_MALLOC", "keep") == "keep":
        keep_freed_memory()
    if args.check:
        check()
        return 0
    if torch is None:
        emit("error", message=f"{sys.executable}: PyTorch is not installed (apt-get install python3-torch, or pip install torch)")
        return 2
    try:
        train(args)
    except InputError as e:
        emit("error", message=str(e))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
