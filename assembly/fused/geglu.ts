import { Gelu, GeluBackward } from "../activations/gelu";
import { Gate, GateBackward, KeepParams } from "./gate";

/** geglu(a, b) = gelu(a)·b, gelu's own element math (flushed to −0 for a <= −13.1462469). */
export type Geglu = Gate<Gelu, KeepParams>;
/** ∂L/∂a = dy·b·gelu'(a), ∂L/∂b = dy·gelu(a). */
export type GegluBackward = GateBackward<Gelu, GeluBackward, KeepParams>;
