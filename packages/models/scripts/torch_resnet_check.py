#!/usr/bin/python3
"""Loads an EDL.js ResNet (BasicBlock, or Bottleneck with --bottleneck) exported with exportSafetensors into a PyTorch ResNet (kuangliu/pytorch-cifar
layout, the names the export uses; with --dict, SDNet sdnet*_all blocks whose 3x3 convs are RISTA dictionary layers
written here from the paper's Alg. 1) and prints the largest absolute difference between its logits and the tfjs
logits, as JSON.

Usage: torch_resnet_check.py MODEL.safetensors INPUT.f32 EXPECTED.f32 --blocks 1,1,1,1 --widths 4,8,16,32
       --classes 10 --shape N,H,W,C [--bottleneck] [--dict --steps 3 --eps 1e-3 --two-sided]
INPUT.f32 / EXPECTED.f32: raw little-endian float32, the input in NHWC and the tfjs logits [N, classes].
Parses safetensors itself (the `safetensors` Python package is not needed).
"""
import argparse, json, struct
import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'I64': torch.int64, 'I32': torch.int32}


def read_safetensors(path):
    data = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    header.pop('__metadata__', None)
    body = bytearray(data[8 + n:])
    out = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        t = torch.frombuffer(body[begin:end], dtype=DTYPES[info['dtype']]) if end > begin else torch.zeros(0)
        out[name] = t.reshape(info['shape']).clone()
    return out


def shrink(v, thr, nonneg):
    return F.relu(v - thr) if nonneg else F.relu(v - thr) - F.relu(-v - thr)


class DictConv2d(nn.Module):
    """RISTA: z0 = T(t A x); z <- T(z + t A((beta + (1 - beta) w) * r)), r = x - A* z, w = 1 / (2(|r| + eps))."""

    def __init__(self, cin, cout, stride, opts):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cout, cin, 3, 3))
        self.beta = nn.Parameter(torch.tensor(1.0))
        self.register_buffer('lambda', torch.tensor(0.1))
        self.register_buffer('step_size', torch.tensor(0.1))
        self.stride, self.opts = stride, opts

    def forward(self, x):
        W, s, t = self.weight, self.stride, self.step_size
        steps, eps, nonneg = self.opts
        thr = F.relu(getattr(self, 'lambda')) * t
        b = self.beta.clamp(0, 1)
        A = lambda v: F.conv2d(v, W, stride=s, padding=1)
        z = shrink(t * A(x), thr, nonneg)
        for _ in range(1, steps):
            op = x.shape[2] - ((z.shape[2] - 1) * s - 2 + 3)
            r = x - F.conv_transpose2d(z, W, stride=s, padding=1, output_padding=op)
            w = 1.0 / (2.0 * (r.abs() + eps))
            z = shrink(z + t * A((b + (1 - b) * w) * r), thr, nonneg)
        return z


def conv3x3(cin, cout, stride, opts):
    return DictConv2d(cin, cout, stride, opts) if opts else nn.Conv2d(cin, cout, 3, stride, 1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, opts=None):
        super().__init__()
        self.conv1 = conv3x3(cin, cout, stride, opts)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout, 1, opts)
        self.bn2 = nn.BatchNorm2d(cout)
        self.act = (lambda v: v) if opts else F.relu
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride, opts=None):
        super().__init__()
        cout = planes * self.expansion
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride, opts)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.act = (lambda v: v) if opts else F.relu
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.act(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, blocks, widths, classes, cin, opts=None, block=None):
        super().__init__()
        block = block or BasicBlock
        expansion = getattr(block, 'expansion', 1)
        self.conv1 = conv3x3(cin, widths[0], 1, opts)
        self.act = (lambda v: v) if opts else F.relu
        self.bn1 = nn.BatchNorm2d(widths[0])
        c = widths[0]
        for i, (n, w) in enumerate(zip(blocks, widths)):
            layers = []
            for j in range(n):
                layers.append(block(c, w, 2 if (i > 0 and j == 0) else 1, opts))
                c = w * expansion
            setattr(self, f'layer{i + 1}', nn.Sequential(*layers))
        self.linear = nn.Linear(c, classes)

    def forward(self, x):
        out = self.act(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('weights')
    ap.add_argument('input')
    ap.add_argument('expected')
    ap.add_argument('--blocks', required=True)
    ap.add_argument('--widths', required=True)
    ap.add_argument('--classes', type=int, required=True)
    ap.add_argument('--shape', required=True)
    ap.add_argument('--bottleneck', action='store_true')
    ap.add_argument('--dict', action='store_true')
    ap.add_argument('--steps', type=int, default=3)
    ap.add_argument('--eps', type=float, default=1e-3)
    ap.add_argument('--two-sided', action='store_true')
    a = ap.parse_args()
    opts = (a.steps, a.eps, not a.two_sided) if a.dict else None
    n, h, w, c = (int(v) for v in a.shape.split(','))
    model = ResNet([int(v) for v in a.blocks.split(',')], [int(v) for v in a.widths.split(',')], a.classes, c, opts, Bottleneck if a.bottleneck else BasicBlock)
    model.load_state_dict(read_safetensors(a.weights), strict=True)
    model.eval()
    x = torch.frombuffer(bytearray(open(a.input, 'rb').read()), dtype=torch.float32).reshape(n, h, w, c)
    expected = torch.frombuffer(bytearray(open(a.expected, 'rb').read()), dtype=torch.float32).reshape(n, a.classes)
    with torch.no_grad():
        y = model(x.permute(0, 3, 1, 2).contiguous())
    print(json.dumps({'max_abs_diff': float((y - expected).abs().max()), 'max_abs': float(expected.abs().max())}))


if __name__ == '__main__':
    main()
