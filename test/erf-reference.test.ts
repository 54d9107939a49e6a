// The float64 erf/erfc behind gelu's references (src/activations/gelu.ts): JavaScript has none,
// so they are checked here against values computed to 40 digits (mpmath), including the far
// tail where 1 − erf would have cancelled to nothing. The JS fallback is a different method
// (Cody's rational approximations) and is held to its bound by the conformance suite.
import { describe, expect, test } from 'vitest';
import { erfRef, erfcRef, gelu } from '../src/activations/gelu.js';

const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('erfRef / erfcRef', () => {
  test('the published values', () => {
    expect(rel(erfRef(0.5), 0.5204998778130465)).toBeLessThanOrEqual(4e-16);
    expect(rel(erfcRef(3), 2.209049699858544e-5)).toBeLessThanOrEqual(4e-16);
    expect(rel(erfcRef(10), 2.088487583762545e-45)).toBeLessThanOrEqual(4e-16);
  });

  // [z, erfc(z), erf(z)] from mpmath at 40 digits.
  const TABLE = [
    [1e-10, 0.99999999988716208, 1.1283791670955126e-10],
    [0.1, 0.88753708398171511, 0.11246291601828489],
    [0.5, 0.47950012218695346, 0.52049987781304654],
    [0.9999, 0.15734072195124053, 0.84265927804875947],
    [1, 0.15729920705028513, 0.84270079294971487],
    [1.5, 0.033894853524689273, 0.96610514647531073],
    [2, 0.0046777349810472658, 0.99532226501895273],
    [3, 2.2090496998585441e-5, 0.99997790950300141],
    [5, 1.5374597944280349e-12, 0.99999999999846254],
    [10, 2.0884875837625448e-45, 1],
    [20, 5.3958656116079009e-176, 1],
    [26, 5.6631924088561428e-296, 1],
  ] as const;

  test.each(TABLE)('erfc(%s) and erf to 1e-15 relative, both signs', (z, erfc, erf) => {
    expect(rel(erfcRef(z), erfc)).toBeLessThanOrEqual(1e-15);
    expect(rel(erfRef(z), erf)).toBeLessThanOrEqual(1e-15);
    expect(rel(erfRef(-z), -erf)).toBeLessThanOrEqual(1e-15);
    expect(rel(erfcRef(-z), 2 - erfc)).toBeLessThanOrEqual(1e-15);
  });

  test('special values', () => {
    expect(erfcRef(0)).toBe(1);
    expect(erfRef(0)).toBe(0);
    expect(erfcRef(Infinity)).toBe(0);
    expect(erfcRef(-Infinity)).toBe(2);
    expect(erfRef(Infinity)).toBe(1);
    expect(erfRef(-Infinity)).toBe(-1);
    expect(erfcRef(NaN)).toBeNaN();
    expect(erfRef(NaN)).toBeNaN();
  });
});

describe("gelu's references", () => {
  // [x (an f32), x·Φ(x), Φ(x) + x·φ(x)] from mpmath at 40 digits.
  const TABLE = [
    [-14.25, -3.194003881588437e-45, -4.5512400175215019e-44],
    [-13.199999809265137, -5.7905281591194138e-39, -7.6430073955994358e-38],
    [-10, -7.6198530241605261e-23, -7.6184000964648141e-22],
    [-7.5, -2.3931687546831722e-13, -1.7938314830426484e-12],
    [-3, -0.0040496940948902836, -0.011945647204183927],
    [-1.5, -0.1002108019032871, -0.12746919222997953],
    [-1.25, -0.13206221708356907, -0.12266158306942212],
    [-0.5, -0.15426876936299345, 0.13250487534383716],
    [-0.0010000000474974513, -0.00049960108149691712, 0.49920211566726115],
    [0.0010000000474974513, 0.00050039896600053419, 0.50079788433273885],
    [0.5, 0.34573123063700655, 0.86749512465616284],
    [1.25, 1.1179377829164309, 1.1226615830694221],
    [3, 2.9959503059051097, 1.0119456472041839],
    [6, 5.9999999940804741, 1.0000000354687095],
  ] as const;

  test.each(TABLE)('gelu(%s) and gelu\' to 2e-15 relative', (x, y, dy) => {
    expect(rel(gelu.kernels.gelu.reference(x, []), y)).toBeLessThanOrEqual(2e-15);
    expect(rel(gelu.kernels.geluBackward.reference(x, 1, []), dy)).toBeLessThanOrEqual(2e-15);
  });

  test("gelu' near its root x = −0.7518 is accurate in absolute terms", () => {
    // Φ(−0.75) − 0.75·φ(0.75) = 0.00077427826076489563 (mpmath): the terms cancel 200-fold.
    expect(Math.abs(gelu.kernels.geluBackward.reference(-0.75, 1, []) - 0.00077427826076489563)).toBeLessThanOrEqual(1e-16);
  });
});
