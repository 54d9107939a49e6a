import { Swish, SwishBackward, SwishWide } from "../activations/swish";

// The bias loops (loop.ts: mapBias, mapBiasGrad) add the bias themselves: these ops are swish's.

/** swish(x + bias); a = β. */
@final export class BiasSwish {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 { return changetype<Swish>(0).s(x, a, b); }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 { return changetype<Swish>(0).v(x, a, b); }
}

/** swish(x + bias) for |β| < 2^-20 (generated dispatch: `wideBelow`); a = β. */
@final export class BiasSwishWide {
  // @ts-ignore: decorator
  @inline s(x: f32, a: f32, b: f32): f32 { return changetype<SwishWide>(0).s(x, a, b); }
  // @ts-ignore: decorator
  @inline v(x: v128, a: v128, b: v128): v128 { return changetype<SwishWide>(0).v(x, a, b); }
}

/** dy·swish'(x + bias); a = β. */
@final export class BiasSwishBackward {
  // @ts-ignore: decorator
  @inline s(x: f32, dy: f32, a: f32, b: f32): f32 { return changetype<SwishBackward>(0).s(x, dy, a, b); }
  // @ts-ignore: decorator
  @inline v(x: v128, dy: v128, a: v128, b: v128): v128 { return changetype<SwishBackward>(0).v(x, dy, a, b); }
}
