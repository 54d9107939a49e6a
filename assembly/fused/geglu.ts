import { Gelu, GeluBackward } from "../activations/gelu";
import { Gate, GateBackward } from "./gate";

/** geglu(a, b) = gelu(a)·b, gelu's own element math (flushed where it would be subnormal). */
export type Geglu = Gate<Gelu>;
/** ∂L/∂a = dy·b·gelu'(a), ∂L/∂b = dy·gelu(a). */
export type GegluBackward = GateBackward<Gelu, GeluBackward>;
