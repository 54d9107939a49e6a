// The loops a user would write without this package: Math.exp in float64, stored to Float32Array.
// The backward loops take dy and recompute σ(x), as an autograd tape that keeps x would.
export const naive = {
  sigmoid(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  },
  swish(x, out) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] / (1 + Math.exp(-x[i]));
  },
  sigmoidBackward(x, dy, out) {
    for (let i = 0; i < x.length; i++) {
      const s = 1 / (1 + Math.exp(-x[i]));
      out[i] = dy[i] * s * (1 - s);
    }
  },
  swishBackward(x, dy, out) {
    for (let i = 0; i < x.length; i++) {
      const s = 1 / (1 + Math.exp(-x[i]));
      out[i] = dy[i] * (s + x[i] * s * (1 - s));
    }
  },
};
