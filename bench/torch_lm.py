# PyTorch twin of the distill-bench benchmark LM (engine-performance.md §8.4-8.5), used only by
# `npm run bench:train -- --compare-torch` (bench/torch-compare.ts). Never needed by tests or CI.
# Same work per step as harness/training/optimizer.ts: global-norm clip 1.0, then Adam(0.9, 0.99, 1e-8).
import json, re, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

cfg = json.loads(sys.argv[1])
V, D, H, L, FF, T, B = (cfg[k] for k in ("vocab", "d", "heads", "layers", "ff", "seq", "batch"))
steps, warmup = cfg["steps"], cfg["warmup"]
torch.set_num_threads(cfg.get("torch_threads", 1))
torch.manual_seed(0)
dev = cfg.get("device", "cpu")

class Block(nn.Module):
    def __init__(s):
        super().__init__()
        s.ln1, s.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        s.q, s.k, s.v, s.o = (nn.Linear(D, D) for _ in range(4))
        s.fc1, s.fc2 = nn.Linear(D, FF), nn.Linear(FF, D)
    def forward(s, x, mask):
        h = s.ln1(x)
        sh = lambda t: t.view(B, T, H, D // H).transpose(1, 2)
        att = torch.softmax(sh(s.q(h)) @ sh(s.k(h)).transpose(-1, -2) / (D // H) ** 0.5 + mask, -1)
        x = x + s.o((att @ sh(s.v(h))).transpose(1, 2).reshape(B, T, D))
        h = s.fc1(s.ln2(x))
        return x + s.fc2(h * torch.sigmoid(1.702 * h))

class LM(nn.Module):
    def __init__(s):
        super().__init__()
        s.tok, s.pos = nn.Embedding(V, D), nn.Embedding(T, D)
        s.blocks = nn.ModuleList(Block() for _ in range(L))
        s.lnf, s.head = nn.LayerNorm(D), nn.Linear(D, V)
    def forward(s, ids, mask):
        x = s.tok(ids) + s.pos.weight[None]
        for b in s.blocks: x = b(x, mask)
        return s.head(s.lnf(x))

m = LM().to(dev)
opt = torch.optim.Adam(m.parameters(), 1e-3, betas=(0.9, 0.99), eps=1e-8)
mask = torch.triu(torch.full((T, T), -1e9), 1).to(dev)
g = torch.Generator().manual_seed(0)
ids = torch.randint(0, V, (B, T + 1), generator=g).to(dev)
def step():
    opt.zero_grad()
    loss = F.cross_entropy(m(ids[:, :-1], mask).reshape(-1, V), ids[:, 1:].reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
    opt.step()
    return loss.item()
for _ in range(warmup): step()
if dev != "cpu": torch.cuda.synchronize()
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(steps): step()
if dev != "cpu": torch.cuda.synchronize()
ms = (time.perf_counter() - t0) * 1000 / steps
# CPU time of all the process's threads: on a loaded machine it moves less than wall time.
cpu_ms = (time.process_time() - c0) * 1000 / steps

def blas_libs():
    # Which BLAS the dynamic loader actually picked (alternatives decide libblas.so.3's target).
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if re.search(r"lib(open)?blas", line)}
    return sorted(paths)

blas_info = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
aten = re.search(r"at::get_num_threads\(\) : (\d+)", torch.__config__.parallel_info())
print(json.dumps({
    "ms_per_step": ms, "cpu_ms_per_step": cpu_ms, "tok_s": B * T / ms * 1000, "params": sum(p.numel() for p in m.parameters()),
    "torch": torch.__version__, "blas_libs": blas_libs(), "blas_info": blas_info and blas_info.group(1),
    "torch_threads": torch.get_num_threads(), "aten_threads": aten and int(aten.group(1)),
}))
