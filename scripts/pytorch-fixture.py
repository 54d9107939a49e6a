"""Writes test/fixtures/pytorch.json: PyTorch's float32 CPU outputs and gradients (dy = 1, by
autograd) of every activation PyTorch has, at special values, kinks and thresholds, for
test/pytorch.test.ts. Run where torch is installed (never in CI): python3 scripts/pytorch-fixture.py
Values are stored as f32 bit patterns, so that -0, inf and NaN survive JSON."""
import json
import struct

import torch
import torch.nn.functional as F

FLT_MAX = struct.unpack('<f', struct.pack('<I', 0x7F7FFFFF))[0]
TINY = struct.unpack('<f', struct.pack('<I', 1))[0]
INPUTS = [0.0, -0.0, float('inf'), float('-inf'), float('nan'), TINY, -TINY, 2.0 ** -126, -(2.0 ** -126),
          FLT_MAX, -FLT_MAX, 1e-30, -1e-30, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 3.0, -3.0, 2.999, -2.999,
          3.001, -3.001, 5.0, -5.0, 9.0, -9.0, 17.0, -17.0, 19.99, 20.0, 20.01, -20.0, 30.0, -30.0, 44.5, -44.5,
          80.0, -80.0, 87.3365402, -87.3365402, 88.0, -88.0, 100.0, -100.0, 13.1462469, -13.1462469, -13.5]

ACTIVATIONS = {
    'sigmoid': torch.sigmoid,
    'swish': F.silu,
    'tanh': torch.tanh,
    'relu': F.relu,
    'leakyRelu': lambda x: F.leaky_relu(x, 0.01),
    'elu': lambda x: F.elu(x, 1.0),
    'selu': F.selu,
    'gelu': lambda x: F.gelu(x, approximate='none'),
    'geluTanh': lambda x: F.gelu(x, approximate='tanh'),
    'softplus': lambda x: F.softplus(x, beta=1.0, threshold=20.0),
    'mish': F.mish,
    'hardSigmoid': F.hardsigmoid,
    'hardSwish': F.hardswish,
}


def bits(t):
    return [struct.unpack('<I', struct.pack('<f', v))[0] for v in t.tolist()]


def main():
    x32 = torch.tensor(INPUTS, dtype=torch.float32)
    out = {'torch': torch.__version__, 'inputs': bits(x32), 'activations': {}}
    for name, f in ACTIVATIONS.items():
        x = x32.clone().requires_grad_(True)
        y = f(x)
        (dx,) = torch.autograd.grad(y, x, torch.ones_like(y))
        out['activations'][name] = {'forward': bits(y.detach()), 'backward': bits(dx)}
    with open('test/fixtures/pytorch.json', 'w') as fh:
        json.dump(out, fh, indent=1)
        fh.write('\n')


if __name__ == '__main__':
    main()
