#!/usr/bin/python3
"""Times the reference PyTorch AutoAttack (fra31/auto-attack, imported from the directory in EDL_AUTOATTACK_REF,
never copied into this project) on the same model and images as packages/attacks/bench/autoattack-throughput.ts.

The model is rebuilt from the EDL.js safetensors export, from the file's metadata alone, by
examples/pytorch-loader/edl_torch.py (the PyTorch loader the models tests use). Each model call is counted (a call with autograd on is a forward+backward pass, one
without a forward pass) and one pass of each kind is timed alone at every batch size seen, so the output has the
same fields as the tfjs side: wall and CPU seconds, passes, the time of those passes alone, their ratio.

Usage: autoattack_peer.py --weights M.safetensors --x X.f32 --y Y.i32 --shape N,H,W,C --eps 0.00196 --component apgd-ce|apgd-t|fab-t|square|standard
       [--threads 2] [--iters 100] [--queries 5000]
Prints one JSON line. Exits 3 with a message when EDL_AUTOATTACK_REF is not set or holds no autoattack package.
"""
import argparse, importlib.util, json, os, sys, time

REF = os.environ.get('EDL_AUTOATTACK_REF')
if not REF or not os.path.isdir(os.path.join(REF, 'autoattack')):
    print(f'autoattack_peer.py: set EDL_AUTOATTACK_REF to a checkout of fra31/auto-attack (got {REF!r})', file=sys.stderr)
    sys.exit(3)
sys.path.insert(0, REF)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from autoattack import AutoAttack  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'edl_torch', os.path.join(HERE, '..', '..', '..', 'examples', 'pytorch-loader', 'edl_torch.py'))
rebuild = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rebuild)


class Counting(nn.Module):
    """Counts calls per batch size: with autograd on (forward+backward) or off (forward)."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.forward_calls, self.backward_calls = {}, {}

    def forward(self, x):
        bucket = self.backward_calls if torch.is_grad_enabled() else self.forward_calls
        bucket[x.shape[0]] = bucket.get(x.shape[0], 0) + 1
        return self.model(x)


def pass_seconds(model, shape, counts, backward, reps=5):
    total_wall, total_cpu = 0.0, 0.0
    for rows, calls in counts.items():
        x = torch.rand(rows, *shape[1:])
        y = torch.arange(rows) % 10
        def once():
            if backward:
                xi = x.clone().requires_grad_()
                F.cross_entropy(model(xi), y, reduction='sum').backward()
            else:
                with torch.no_grad():
                    model(x).argmax(1)
        once()
        walls, cpus = [], []
        for _ in range(reps):
            w0, c0 = time.perf_counter(), time.process_time()
            once()
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        walls.sort(); cpus.sort()
        total_wall += calls * walls[len(walls) // 2]
        total_cpu += calls * cpus[len(cpus) // 2]
    return total_wall, total_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--weights', required=True)
    ap.add_argument('--x', required=True)
    ap.add_argument('--y', required=True)
    ap.add_argument('--shape', required=True)
    ap.add_argument('--eps', type=float, required=True)
    ap.add_argument('--component', required=True)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=250)
    ap.add_argument('--iters', type=int, default=100)
    ap.add_argument('--queries', type=int, default=5000)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    n, h, w, c = (int(v) for v in a.shape.split(','))
    net, _ = rebuild.load(a.weights)
    for p in net.parameters():
        p.requires_grad_(False)
    x = torch.frombuffer(bytearray(open(a.x, 'rb').read()), dtype=torch.float32).reshape(n, h, w, c)
    x = x.permute(0, 3, 1, 2).contiguous()
    y = torch.frombuffer(bytearray(open(a.y, 'rb').read()), dtype=torch.int32).long()
    model = Counting(net)
    adversary = AutoAttack(model, norm='Linf', eps=a.eps, version='standard', seed=0, verbose=False, device='cpu')
    adversary.apgd.n_iter = adversary.apgd_targeted.n_iter = adversary.fab.n_iter = a.iters
    adversary.square.n_queries = a.queries
    comp = a.component
    w0, c0 = time.perf_counter(), time.process_time()
    if comp == 'standard':
        adv = adversary.run_standard_evaluation(x, y, bs=a.batch)
    elif comp == 'apgd-ce':
        adversary.apgd.loss = 'ce'
        adv = adversary.apgd.perturb(x, y)
    elif comp == 'apgd-t':
        adv = adversary.apgd_targeted.perturb(x, y)
    elif comp == 'fab-t':
        adversary.fab.targeted = True
        adversary.fab.n_restarts = 1
        adv = adversary.fab.perturb(x, y)
    elif comp == 'square':
        adv = adversary.square.perturb(x, y)
    else:
        raise SystemExit(f'unknown component {comp}')
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    with torch.no_grad():
        fooled = (net(adv).argmax(1) != y) & ((adv - x).abs().flatten(1).max(1)[0] <= a.eps + 1e-6)
    fw, fc = pass_seconds(net, (n, c, h, w), model.forward_calls, False)
    bw, bc = pass_seconds(net, (n, c, h, w), model.backward_calls, True)
    rows = lambda m: sum(k * v for k, v in m.items())
    print(json.dumps({
        'component': comp, 'images': n, 'threads': a.threads, 'torch': torch.__version__,
        'wallSeconds': wall, 'cpuSeconds': cpu, 'fooled': int(fooled.sum()),
        'forwardPasses': rows(model.forward_calls), 'backwardPasses': rows(model.backward_calls),
        'forwardCalls': sum(model.forward_calls.values()), 'backwardCalls': sum(model.backward_calls.values()),
        'passWallSeconds': fw + bw, 'passCpuSeconds': fc + bc,
    }))


if __name__ == '__main__':
    main()
