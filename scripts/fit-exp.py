#!/usr/bin/env python3
"""Fits the polynomial of assembly/math/expneg.ts: e^r - 1 = r + r^2*u(r), u of degree 4, minimising the
largest relative error of e^r over |r| <= ln2/2 (plus a margin for the rounding of n), as a linear
programme on a dense grid. Prints the coefficients as f32 bit patterns and the error they give,
in units of 2^-24, after rounding to f32. Needs numpy and scipy; not part of the build."""
import struct

import numpy as np
from scipy.optimize import linprog

R = np.log(2) / 2 * 1.0005
DEGREE = 5  # coefficients of u
r = np.linspace(-R, R, 4001)
target = np.expm1(r) - r
weight = np.exp(r)  # relative error of e^r
A = np.stack([r ** (k + 2) for k in range(DEGREE)], axis=1) / weight[:, None]
b = target / weight
# Variables a_0..a_{DEGREE-1}, t: minimise t subject to -t <= A a - b <= t.
ones = np.ones((len(r), 1))
res = linprog(np.r_[np.zeros(DEGREE), 1.0],
              A_ub=np.vstack([np.hstack([A, -ones]), np.hstack([-A, -ones])]),
              b_ub=np.r_[b, -b], bounds=[(None, None)] * (DEGREE + 1), method="highs")
f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
bits = lambda v: struct.unpack("<I", struct.pack("<f", v))[0]
coef = [f32(v) for v in res.x[:DEGREE]]
for k, v in enumerate(coef):
    print(f"A{k + 1} = {v!r:<24} 0x{bits(v):08X}")
err = np.max(np.abs(A @ np.array(coef) - b))
print(f"max relative error of e^r with f32 coefficients: {err / 2 ** -24:.3f} * 2^-24")
