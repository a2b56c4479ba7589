#!/usr/bin/python3
"""PyTorch CPU peer of the @edl/ops conv benchmarks (same shapes and math as bench/cases.ts).

Usage: /usr/bin/python3 packages/ops/bench/torch_conv_peer.py [--threads 2] [--reps 5]
Prints one JSON object: median / min / max milliseconds per case.

Shapes: batch 32, 64 -> 64 channels, 3x3, 32x32 (NCHW, float32), padding 1 (= tfjs 'same' at stride 1).
  conv2d                 forward
  conv2d-fwd-bwd         forward, then backward of sum(y * G) to input and weight
  conv2dTranspose        forward, stride 1
  conv2dTranspose-s2     forward, stride 2, 16x16 -> 32x32 (padding 1, output_padding 1)
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def measure(fn, warm, reps):
    times = []
    for i in range(warm + reps):
        t0 = time.perf_counter()
        fn()
        if i >= warm:
            times.append((time.perf_counter() - t0) * 1000.0)
    return {'ms': round(statistics.median(times), 2), 'min': round(min(times), 2), 'max': round(max(times), 2),
            'n': reps}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--warm', type=int, default=2)
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    w = torch.randn(64, 64, 3, 3) * 0.05
    x = torch.randn(32, 64, 32, 32)
    g = torch.randn(32, 64, 32, 32)
    z2 = torch.randn(32, 64, 16, 16)
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads()}

    def conv():
        with torch.no_grad():
            F.conv2d(x, w, padding=1)

    xg = x.clone().requires_grad_(True)
    wg = w.clone().requires_grad_(True)

    def conv_fwd_bwd():
        xg.grad = None
        wg.grad = None
        (F.conv2d(xg, wg, padding=1) * g).sum().backward()

    def conv_t():
        with torch.no_grad():
            F.conv_transpose2d(x, w, padding=1)

    def conv_t_s2():
        with torch.no_grad():
            F.conv_transpose2d(z2, w, stride=2, padding=1, output_padding=1)

    out['conv2d'] = measure(conv, a.warm, a.reps)
    out['conv2d-fwd-bwd'] = measure(conv_fwd_bwd, a.warm, a.reps)
    out['conv2dTranspose'] = measure(conv_t, a.warm, a.reps)
    out['conv2dTranspose-s2'] = measure(conv_t_s2, a.warm, a.reps)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
