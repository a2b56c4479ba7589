#!/usr/bin/python3
"""Rebuild an EDL.js ResNet in PyTorch from its exported .safetensors file alone.

EDL.js (`exportSafetensors` / `exportSafetensorsFile` of @edl/models) writes the weights with PyTorch names and
layouts, and into the header's `__metadata__` the architecture and every layer's hyperparameters (metadata schema 2,
documented in packages/models/README.md; files of schema 1 are read too). This module reads both, builds the same network (standard, Vanilla DL,
Robust DL or Elastic DL; BasicBlock or Bottleneck), loads the weights with `strict=True` and returns logits.

    import edl_torch
    model, meta = edl_torch.load('resnet18-elastic.safetensors')   # eval mode
    logits = model(images)                                          # images: NCHW float32 in [0, 1]

Command line: `python3 edl_torch.py MODEL.safetensors` prints what the file describes; with
`--input X.f32 --expected Y.f32` (raw little-endian float32: the input NHWC, the tfjs logits) it prints the largest
absolute difference between these logits and PyTorch's, as JSON.

The dictionary layer follows the paper (Hou et al., "Boosting Adversarial Robustness and Generalization with
Structural Prior", Alg. 1) as EDL.js implements it (the file's `edl.rista` entry says it in words):
    z0 = T0(t0 A(x));  then steps - 1 times:  r = x - A*(z),  w = 1 / (2 (|r| + eps)),
    z = T(z + t A((beta + (1 - beta) w) r)),
A = conv2d, A* = its adjoint conv_transpose2d, T0 / T the one- or two-sided soft threshold at relu(lambda) t0 /
relu(lambda) t, t0 the stored step size, t = t0 / (beta + (1 - beta) / (2 eps)) for a layer whose stepSizeRule is
'elastic' (the step of guaranteed descent) and t = t0 for 'lipschitz' (every layer of a schema 1 file), beta = 1
(Vanilla DL), 0 (Robust DL) or clamp(beta, 0, 1) (Elastic DL). Needs only torch (no
`safetensors` package): the format is parsed here.
"""
import argparse
import json
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

SCHEMA_VERSION = 2
READS = (1, 2)  # schema 1: every dictionary layer steps t0 (stepSizeRule 'lipschitz')
DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'I64': torch.int64, 'I32': torch.int32}


class EdlFormatError(ValueError):
    """The file is not an EDL.js export this loader can rebuild; the message says why and what to do."""


def read_safetensors(path):
    """(tensors by name, header metadata) of a .safetensors file."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop('__metadata__', {}) or {}
    body = bytearray(data[8 + n:])
    tensors = {}
    for name, info in header.items():
        if info['dtype'] not in DTYPES:
            raise EdlFormatError(f"{path}: tensor '{name}' has dtype {info['dtype']}, which this loader does not read")
        begin, end = info['data_offsets']
        flat = torch.frombuffer(body[begin:end], dtype=DTYPES[info['dtype']]) if end > begin else torch.zeros(0)
        tensors[name] = flat.reshape(info['shape']).clone()
    return tensors, metadata


def read_edl_metadata(metadata, source='safetensors'):
    """The file's EDL metadata as a dict {schema, library, name, model, layers, rista}; checks the schema version."""
    schema = metadata.get('edl.schema')
    if schema is None:
        raise EdlFormatError(
            f'{source}: no edl.schema metadata: not exported by an EDL.js with the metadata schema '
            '(re-export it with a current @edl/models) or not an EDL.js file')
    if not schema.isdigit() or int(schema) not in READS:
        newer = schema.isdigit() and int(schema) > SCHEMA_VERSION
        raise EdlFormatError(
            f'{source}: metadata schema version {schema} is ' +
            (f'newer than this loader reads ({SCHEMA_VERSION}): use the edl_torch.py of the EDL.js release that wrote '
             f"the file ({metadata.get('edl.library')})" if newer else f'unknown (this loader reads {SCHEMA_VERSION})'))
    meta = {'schema': int(schema), 'name': metadata.get('edl.name')}
    for key in ('library', 'model', 'layers', 'rista'):
        text = metadata.get(f'edl.{key}')
        if text is None:
            if key == 'model':
                raise EdlFormatError(f"{source}: no edl.model metadata: the file was not exported from an EDL.js "
                                     "resnet(), so its architecture is unknown (its edl.layers still lists each conv)")
            raise EdlFormatError(f'{source}: metadata edl.{key} is missing')
        meta[key] = json.loads(text)
    if meta['schema'] == 1:
        for spec in meta['layers'].values():
            if 'dictionary' in spec:
                spec['dictionary']['stepSizeRule'] = 'lipschitz'
    if meta['model'].get('family') != 'resnet':
        raise EdlFormatError(f"{source}: edl.model family {meta['model'].get('family')!r}: only 'resnet' is known")
    return meta


def shrink(v, threshold, one_sided):
    """The soft threshold T at `threshold`: one-sided max(v - thr, 0), or two-sided sign(v) max(|v| - thr, 0)."""
    return F.relu(v - threshold) if one_sided else F.relu(v - threshold) - F.relu(-v - threshold)


class DictConv2d(nn.Module):
    """A Vanilla / Robust / Elastic DL layer: the sparse code of its input by `steps` unrolled RISTA steps.

    State (the names EDL.js exports): `weight` [out, in, kh, kw] (the dictionary A), `beta`, `lambda`,
    `step_size` (scalars). `beta` / `lambda` are parameters when the file says they were trained, else buffers.
    """

    def __init__(self, spec):
        super().__init__()
        d = spec['dictionary']
        kh, kw = spec['kernelSize']
        self.kind, self.steps, self.eps, self.rule = spec['kind'], d['steps'], d['eps'], d['stepSizeRule']
        self.one_sided = d['threshold'] == 'one-sided'
        self.stride, self.padding = tuple(spec['stride']), tuple(spec['padding'])
        self.weight = nn.Parameter(torch.zeros(spec['outChannels'], spec['inChannels'], kh, kw))
        for name, trainable in (('beta', d['betaTrainable']), ('lambda', d['lambdaTrainable'])):
            if trainable:
                self.register_parameter(name, nn.Parameter(torch.tensor(0.0)))
            else:
                self.register_buffer(name, torch.tensor(0.0))
        self.register_buffer('step_size', torch.tensor(0.0))

    def A(self, x):
        return F.conv2d(x, self.weight, stride=self.stride, padding=self.padding)

    def A_adjoint(self, z, size):
        """conv_transpose2d with the output size `size` (H, W) of the input: the exact adjoint of A."""
        kh, kw = self.weight.shape[2:]
        extra = [size[i] - ((z.shape[2 + i] - 1) * self.stride[i] - 2 * self.padding[i] + k)
                 for i, k in enumerate((kh, kw))]
        return F.conv_transpose2d(z, self.weight, stride=self.stride, padding=self.padding,
                                  output_padding=tuple(extra))

    def forward(self, x):
        t0 = self.step_size
        lam = F.relu(getattr(self, 'lambda'))
        beta = {'vanilla': 1.0, 'robust': 0.0}.get(self.kind)
        if beta is None:
            beta = self.beta.clamp(0, 1)
        # the corrections' step: 'elastic' divides t0 by the reweighted quadratic's curvature bound over L
        t = t0 / (beta + (1 - beta) / (2 * self.eps)) if self.rule == 'elastic' else t0
        threshold = lam * t
        z = shrink(t0 * self.A(x), lam * t0, self.one_sided)
        for _ in range(1, self.steps):
            r = x - self.A_adjoint(z, x.shape[2:])
            if self.kind != 'vanilla':  # beta = 1 needs no reweighting
                w = 1.0 / (2.0 * (r.abs() + self.eps))
                r = (beta + (1 - beta) * w) * r
            z = shrink(z + t * self.A(r), threshold, self.one_sided)
        return z

    @torch.no_grad()
    def refresh_step_size(self, height, width, iterations=50):
        """For training in PyTorch: t0 = 0.9 / L, L = ||A||^2 by power iteration on one (height, width) input."""
        v = torch.randn(1, self.weight.shape[1], height, width)
        for _ in range(iterations):
            v = self.A_adjoint(self.A(v), (height, width))
            norm = v.norm()
            v = v / norm
        self.step_size.fill_(0.9 / float(norm))


def conv(spec):
    """The module a conv layer spec of `edl.layers` describes."""
    if isinstance(spec['padding'], str):
        raise EdlFormatError(f"padding {spec['padding']} cannot be expressed by a PyTorch conv")
    if spec['kind'] != 'standard':
        return DictConv2d(spec)
    return nn.Conv2d(spec['inChannels'], spec['outChannels'], tuple(spec['kernelSize']), tuple(spec['stride']),
                     tuple(spec['padding']), bias=spec['bias'])


class Block(nn.Module):
    """A BasicBlock (conv1, conv2) or Bottleneck (conv1, conv2, conv3) named like EDL.js / kuangliu's ResNet:
    each conv is followed by BatchNorm, the inner ones by ReLU where `relus` says (none after a dictionary layer),
    and the block ends relu(bn_last(conv_last(...)) + shortcut(x))."""

    def __init__(self, prefix, specs, n_convs, relus, bn):
        super().__init__()
        self.n, self.relus = n_convs, relus
        for i in range(1, n_convs + 1):
            spec = specs.take(f'{prefix}.conv{i}')
            setattr(self, f'conv{i}', conv(spec))
            setattr(self, f'bn{i}', nn.BatchNorm2d(spec['outChannels'], **bn))
        self.shortcut = nn.Sequential()
        if specs.has(f'{prefix}.shortcut.0'):
            spec = specs.take(f'{prefix}.shortcut.0')
            self.shortcut = nn.Sequential(conv(spec), nn.BatchNorm2d(spec['outChannels'], **bn))

    def forward(self, x):
        out = x
        for i in range(1, self.n + 1):
            out = getattr(self, f'bn{i}')(getattr(self, f'conv{i}')(out))
            if i < self.n and self.relus[i - 1]:
                out = F.relu(out)
        return F.relu(out + self.shortcut(x))


class Specs:
    """The conv layer specs of `edl.layers`, taken one by one, so a layer the architecture does not place is caught."""

    def __init__(self, layers):
        self.layers, self.left = layers, dict(layers)

    def has(self, name):
        return name in self.layers

    def take(self, name):
        if name not in self.left:
            raise EdlFormatError(f"edl.layers has no conv layer '{name}', which edl.model needs")
        return self.left.pop(name)


class EDLResNet(nn.Module):
    """The CIFAR-style ResNet of EDL.js `resnet()`: stem conv1 -> bn1 (-> ReLU), four stages of blocks, global
    average pooling, linear logits. Built from the `edl.model` and `edl.layers` metadata."""

    def __init__(self, meta):
        super().__init__()
        m, specs = meta['model'], Specs(meta['layers'])
        bn = {'eps': m['batchNorm']['epsilon'], 'momentum': m['batchNorm']['momentum']}
        stem = specs.take('conv1')
        self.conv1, self.bn1 = conv(stem), nn.BatchNorm2d(stem['outChannels'], **bn)
        self.stem_relu = m['stemRelu']
        n_convs = 3 if m['block'] == 'bottleneck' else 2
        for s, count in enumerate(m['blocks']):
            blocks = [Block(f'layer{s + 1}.{b}', specs, n_convs, m['blockRelu'], bn) for b in range(count)]
            setattr(self, f'layer{s + 1}', nn.Sequential(*blocks))
        if specs.left:
            raise EdlFormatError(f'edl.layers lists conv layers edl.model does not place: {sorted(specs.left)}')
        self.linear = nn.Linear(m['widths'][3] * m['expansion'], m['numClasses'])

    def forward(self, x):
        """Logits of NCHW images."""
        out = self.bn1(self.conv1(x))
        if self.stem_relu:
            out = F.relu(out)
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))


def load(path):
    """(model in eval mode with the file's weights loaded strictly, metadata dict) of an exported .safetensors file."""
    tensors, metadata = read_safetensors(path)
    meta = read_edl_metadata(metadata, path)
    model = EDLResNet(meta)
    for name, module in model.named_modules():  # exported with numBatchesTracked: false: PyTorch's default 0
        if isinstance(module, nn.BatchNorm2d):
            tensors.setdefault(f'{name}.num_batches_tracked', torch.tensor(0, dtype=torch.int64))
    model.load_state_dict(tensors, strict=True)
    return model.eval(), meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('weights', help='an .safetensors file exported by EDL.js')
    ap.add_argument('--input', help='raw float32 NHWC images to run (with --expected)')
    ap.add_argument('--expected', help='raw float32 tfjs logits [N, classes] to compare with')
    a = ap.parse_args()
    try:
        model, meta = load(a.weights)
    except EdlFormatError as error:
        raise SystemExit(f'edl_torch: {error}')
    m = meta['model']
    summary = {'name': meta['name'], 'depth': m['depth'], 'conv': m['conv'], 'block': m['block'],
               'parameters': sum(p.numel() for p in model.parameters()), 'library': meta['library']}
    if a.input:
        h, w, c = m['inputShape']
        x = torch.frombuffer(bytearray(open(a.input, 'rb').read()), dtype=torch.float32).reshape(-1, h, w, c)
        with torch.no_grad():
            y = model(x.permute(0, 3, 1, 2).contiguous())
        summary['logits_shape'] = list(y.shape)
        if a.expected:
            expected = torch.frombuffer(bytearray(open(a.expected, 'rb').read()), dtype=torch.float32).reshape(y.shape)
            summary['max_abs_diff'] = float((y - expected).abs().max())
            summary['max_abs'] = float(expected.abs().max())
    print(json.dumps(summary))


if __name__ == '__main__':
    main()
