import numpy as np
from scipy.optimize import linprog
import struct
R = np.log(2)/2 * 1.0005
r = np.linspace(-R, R, 4001)
deg = 5  # u has 'deg' coefficients: u = a0 + a1 r + ... ; e^r-1 = r + r^2 u
target = np.expm1(r) - r
w = np.exp(r)
A = np.stack([r**(k+2) for k in range(deg)], axis=1)
# variables: a0..a_{deg-1}, t ; minimize t s.t. +-(A a - target)/w <= t
n = deg
c = np.zeros(n+1); c[-1] = 1
Aub = np.vstack([np.hstack([A/w[:,None], -np.ones((len(r),1))]), np.hstack([-A/w[:,None], -np.ones((len(r),1))])])
bub = np.concatenate([target/w, -target/w])
res = linprog(c, A_ub=Aub, b_ub=bub, bounds=[(None,None)]*(n+1), method='highs')
a = res.x[:n]
print('max rel err', res.x[-1], 'in ulp(2^-24)', res.x[-1]/2**-24)
f32 = lambda v: struct.unpack('<f', struct.pack('<f', v))[0]
for v in a: print(repr(f32(v)), hex(struct.unpack('<I', struct.pack('<f', v))[0]))
af = np.array([f32(v) for v in a])
print('with f32 coeffs', np.max(np.abs((A@af - target)/w))/2**-24)
