// The network of layers the display helpers take: network3's `Network` (`Network3`). Until it
// lands, the shape they read of it.

export type { LayeredNetwork as Network3 } from "./_layered.ts";
