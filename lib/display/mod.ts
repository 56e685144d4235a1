/**
 * Figures for Deno's Jupyter kernel: training histories, heatmaps of weights, receptive
 * fields, a conv layer's filters and feature maps, confusion matrices, digits, network diagrams, decision boundaries, live progress
 * and self-contained HTML reports. A figure displays itself as the last expression of a
 * cell, in three layers: an interactive vega-lite (or plotly) chart, a static SVG or PNG of
 * it, and a line of text.
 *
 * @example A heatmap's three layers
 * ```ts
 * import { heatmap, VEGALITE_MIME } from "@backprop/backprop/display";
 * import assert from "node:assert/strict";
 *
 * const fig = heatmap([[-1, 0.5], [2, 0]], { title: "w" });
 * assert.equal(String(fig), "w: heatmap 2×2, values in [-1, 2]");
 * const bundle = await fig.bundle();
 * assert.ok(VEGALITE_MIME in bundle);
 * assert.ok(String(bundle["image/svg+xml"]).startsWith("<svg"));
 * assert.equal(bundle["text/plain"], String(fig));
 * ```
 *
 * The network, its history and the data these figures draw come from the main module
 * (`@backprop/backprop`), which also re-exports everything here.
 *
 * @module
 */

export * from "../displayable.ts";
export * from "./figure.ts";
export * from "./show.ts";
export * from "./history_chart.ts";
export * from "./heatmap.ts";
export * from "./receptive_fields.ts";
export * from "./confusion_matrix.ts";
export * from "./digits.ts";
export * from "./network_diagram.ts";
export * from "./decision_boundary.ts";
export * from "./network_summary.ts";
export * from "./filters.ts";
export * from "./feature_maps.ts";
export * from "./progress_bar.ts";
export * from "./live.ts";
export * from "./report.ts";
export * from "./table.ts";
export * from "./replay.ts";
