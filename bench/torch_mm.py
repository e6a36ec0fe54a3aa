# PyTorch side of `npm run bench:gemm -- --compare-torch` (bench/gemm.ts): the median time of torch.matmul on
# each shape, transposes as views so BLAS gets its transpose flags, one thread. Never needed by tests or CI.
import json, re, sys, time
import torch

cfg = json.loads(sys.argv[1])
torch.set_num_threads(1)
torch.manual_seed(0)
out = []
for sh in cfg["shapes"]:
    b, m, k, n, ta, tb = (sh[x] for x in ("batch", "m", "k", "n", "ta", "tb"))
    pre = [b] if b > 1 else []
    a = torch.randn(pre + ([k, m] if ta else [m, k]))
    w = torch.randn(pre + ([n, k] if tb else [k, n]))
    a2 = a.transpose(-1, -2) if ta else a
    w2 = w.transpose(-1, -2) if tb else w
    times = []
    for r in range(cfg["reps"] + 2):
        t0 = time.perf_counter()
        torch.matmul(a2, w2)
        times.append((time.perf_counter() - t0) * 1000)
    times = sorted(times[2:])
    out.append(times[len(times) // 2])

with open("/proc/self/maps") as f:
    blas = sorted({line.split()[-1] for line in f if re.search(r"lib(open)?blas", line)})
print(json.dumps({"ms": out, "torch": torch.__version__, "blas_libs": blas}))
