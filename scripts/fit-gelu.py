#!/usr/bin/env python3
"""Fits the rational function of gaussTail in assembly/math/gauss.ts (gelu's a*Phi(-a)) and prints its
f32 constants. With c = f32(sqrt(2/pi)) and R(a) = Phi(-a)*e^(a^2/2) (the Mills ratio over
sqrt(2*pi)), it writes

    a*Phi(-a) = e^(-a^2/2 - K) * u * (1 + h(a)),   u = a/(a + c),   K = -ln(c/2),
    1 + h(a)  = 2*R(a)*(a + c)/c,                  h(a) = a*P(a)/Q(a),

P of degree 3, Q of degree 5 with Q(0) = 1. h stays in [0, 0.19] (h(0) = 0 and h -> 0 as a -> inf
for this c), so the rounding errors of its evaluation reach the result damped five times.
The fit minimises the largest relative error of 1 + h over a in [0, 14.6] by Sanathanan-Koerner
iterations with Lawson weights (linear least squares in a Chebyshev basis); then the
coefficients are rounded to f32 and the whole f32 algorithm of the kernel is emulated (numpy
float32 arithmetic rounds every operation, as WebAssembly does) against scipy's log_ndtr.
Needs numpy and scipy; not part of the build. Takes about half a minute."""
import struct

import numpy as np
from numpy.polynomial import chebyshev as C
from scipy.special import log_ndtr

f32 = np.float32
bits = lambda v: struct.unpack("<I", struct.pack("<f", float(v)))[0]
fbits = lambda u: np.array([u], dtype=np.uint32).view(np.float32)[0]

A_MAX = 14.6
c = float(f32(np.sqrt(2 / np.pi)))
M, N = 3, 5  # degrees of P and Q

# --- fit h = a*P/Q (absolute error of 1 + h relative to 1 + h)
a = np.r_[np.linspace(0, A_MAX, 1500), A_MAX * (1 - np.cos(np.linspace(0, np.pi / 2, 1500)))]
R = np.exp(log_ndtr(-a) + a * a / 2)
T = 2 * R * (a + c) / c
cheb = lambda deg: C.chebvander(2 * a / A_MAX - 1, deg)
BP = cheb(M) * a[:, None]
BQ = cheb(N)
F, w = T - 1, 1 / T
lam = np.ones(len(a)) / len(a)
Qprev = np.ones(len(a))
best = None
for it in range(300):
    sc = np.sqrt(lam) * w / np.abs(Qprev)
    # a*P - F*Q = 0 with the first Chebyshev coefficient of Q fixed to 1
    Mx = np.hstack([BP, -(F[:, None] * BQ[:, 1:])]) * sc[:, None]
    x, *_ = np.linalg.lstsq(Mx, F * BQ[:, 0] * sc, rcond=None)
    p, q = x[:M + 1], np.r_[1.0, x[M + 1:]]
    Pv, Qv = BP @ p, BQ @ q
    err = w * np.abs(Pv / Qv - F)
    if best is None or err.max() < best[0]:
        best = (err.max(), p, q)
    Qprev = Qv
    lam = lam * err
    lam = 0.99 * lam / lam.sum() + 0.01 / len(a)


def to_monomial(ch):
    poly = np.polynomial.Polynomial(C.cheb2poly(ch))
    return poly(np.polynomial.Polynomial([-1, 2 / A_MAX])).coef


P = to_monomial(best[1])
Q = to_monomial(best[2])
P, Q = P / Q[0], Q / Q[0]
print(f"fit: max relative error of 1 + h (float64 coefficients) {best[0] / 2 ** -24:.3f} * 2^-24")

Pf = [f32(v) for v in P]
Qf = [f32(v) for v in Q]
Qf[0] = f32(1)
K = np.log(2) - np.log(c)  # e^-K = c/2
KH = f32(np.round(K * 2 ** 12) / 2 ** 12)  # 12 bits: n*ln2_hi - KH is exact
KL = f32(K - float(KH))
for name, v in [("GC", c), ("GC_INV", f32(1 / c)), ("GK_HI", KH), ("GK_LO", KL)] + \
        [(f"GP{k}", v) for k, v in enumerate(Pf)] + [(f"GQ{k}", v) for k, v in enumerate(Qf) if k]:
    print(f"{name:7} = {float(f32(v))!r:<26} 0x{bits(f32(v)):08X}")

# --- emulate the kernel's f32 algorithm (assembly/math/gauss.ts gaussTailScaled) on a dense grid
LOG2E, MAGIC = fbits(0x3FB8AA3B), fbits(0x4B40009F)
NEG_LN2_HI, LN2_LO = fbits(0xBF317200), fbits(0x35BFBE8E)
EA = [fbits(u) for u in (0x3EFFFFFE, 0x3E2AAA2C, 0x3D2AABBC, 0x3C092E68, 0x3AB5DF5A)]  # A1..A5
UNSCALE = fbits(0x2F800000)
GC, GC_INV = f32(c), f32(1 / c)


def horner(coef, x):
    u = np.full_like(x, coef[-1])
    for k in coef[-2::-1]:
        u = u * x + k
    return u


def gauss_tail_scaled(ac):
    ah = (ac.view(np.uint32) & np.uint32(0xFFFFF000)).view(np.float32)
    al = ac - ah
    wh = (ah * ah) * f32(0.5)
    wl = ah * al + (al * al) * f32(0.5)
    t = MAGIC - (wh + (wl + KH)) * LOG2E
    s = (t.view(np.uint32) << np.uint32(23)).view(np.float32)
    n = t - MAGIC
    r = (n * NEG_LN2_HI - KH) - wh
    r = r - (wl + (n * LN2_LO + KL))
    e = EA[4] * r + EA[3]
    for k in (2, 1, 0):
        e = e * r + EA[k]
    p = (r * r) * e + r
    h = (ac * horner(Pf, ac)) / horner(Qf, ac)
    d = ac + GC
    u = ac / d
    big, small = np.maximum(ac, GC), np.minimum(ac, GC)
    err = small - (d - big)
    k = ((h + p) + h * p) - ((f32(1) - u) * err) * GC_INV
    us = u * s
    return us + us * k


x = np.unique(np.r_[np.linspace(0, 14.0, 2000001), np.linspace(0, 1, 200001) ** 2 * 14.0].astype(np.float32))
x64 = x.astype(np.float64)
g = gauss_tail_scaled(x) * UNSCALE
ref = x64 * np.exp(log_ndtr(-x64))
ok = ref >= 2.0 ** -126
ulp = 2.0 ** (np.floor(np.log2(np.where(ok, ref, 1))) - 23)
e_neg = np.abs(g - ref) / ulp  # gelu(-a) = -a*Phi(-a)
gp = x - g  # gelu(a) = a - a*Phi(-a)
refp = x64 - ref
ulpp = 2.0 ** (np.floor(np.log2(np.where(refp > 0, refp, 1))) - 23)
e_pos = np.where(refp > 0, np.abs(gp - refp) / ulpp, 0)
print(f"emulated gelu, x in [-14, 0]: max {e_neg[ok].max():.3f} ULP at {-x[ok][e_neg[ok].argmax()]}, "
      f"mean {e_neg[ok].mean():.3f}")
print(f"emulated gelu, x in [0, 14]:  max {e_pos.max():.3f} ULP at {x[e_pos.argmax()]}")
