#!/usr/bin/env python3
"""Fits the polynomial of log1pComp in assembly/activations/softplus.ts: with s = u/(2+u) in [0, 1/3],
log(1+u) = 2*atanh(s) = 2s + s^3*Q(s^2), Q of degree 3, minimising the largest relative error of
log(1+u) as a linear programme on a dense grid. Prints the f32 coefficients and their error in
units of 2^-24. Needs numpy and scipy; not part of the build."""
import struct

import numpy as np
from scipy.optimize import linprog

DEGREE = 4  # coefficients of Q
s = np.linspace(1e-6, 1 / 3 * 1.0005, 4001)
target = 2 * np.arctanh(s)
A = np.stack([s ** (2 * k + 3) for k in range(DEGREE)], axis=1) / target[:, None]
b = (target - 2 * s) / target
ones = np.ones((len(s), 1))
res = linprog(np.r_[np.zeros(DEGREE), 1.0],
              A_ub=np.vstack([np.hstack([A, -ones]), np.hstack([-A, -ones])]),
              b_ub=np.r_[b, -b], bounds=[(None, None)] * (DEGREE + 1), method="highs")
f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
bits = lambda v: struct.unpack("<I", struct.pack("<f", v))[0]
coef = [f32(v) for v in res.x[:DEGREE]]
for k, v in enumerate(coef):
    print(f"L{k + 1} = {v!r:<24} 0x{bits(v):08X}")
print(f"max relative error with f32 coefficients: {np.max(np.abs(A @ np.array(coef) - b)) / 2 ** -24:.3f} * 2^-24")
