import { Swish, SwishBackward, SwishWide } from "../activations/swish";
import { Gate, GateBackward, ScaleSlope } from "./gate";

/** swiglu(a, b) = swish(a)·b; p0 = β. The swish element math is the activation's own. */
export type Swiglu = Gate<Swish, ScaleSlope>;
/** ∂L/∂a = dy·b·swish'(a), ∂L/∂b = dy·swish(a). */
export type SwigluBackward = GateBackward<Swish, SwishBackward, ScaleSlope>;
/** Swiglu for |β| < 2^-20 (generated dispatch: `wideBelow`), over SwishWide. */
export type SwigluWide = Gate<SwishWide, ScaleSlope>;
/** SwigluBackward for |β| < 2^-20: its ∂L/∂b = dy·swish(a) over SwishWide. */
export type SwigluBackwardWide = GateBackward<SwishWide, SwishBackward, ScaleSlope>;
