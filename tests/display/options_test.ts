import assert from "node:assert/strict";
import {
  ConfusionMatrix,
  confusionMatrix,
  decisionBoundary,
  digits,
  Figure,
  heatmap,
  History,
  historyChart,
  liveTraining,
  Network,
  networkDiagram,
  packData,
  receptiveFields,
  renderReport,
  show,
  terminalProgress,
  xor,
} from "../../mod.ts";

// Notebooks are not type-checked: a misspelt option must fail, not be silently ignored.
Deno.test("every display helper refuses an unknown option, naming the closest one", async (t) => {
  const net = new Network([2, 3, 2], { seed: 1 });
  const data = xor(8, { seed: 1 });
  const history = new History();
  const cases: [string, () => unknown, string][] = [
    [
      "historyChart",
      () => historyChart(history, { logcost: true } as never),
      "Cannot chart history: unknown option `logcost`; did you mean `logCost`?",
    ],
    [
      "receptiveFields",
      () => receptiveFields(net, { layers: 1 } as never),
      "Cannot draw receptive fields: unknown option `layers`; did you mean `layer`?",
    ],
    [
      "digits",
      () => digits(packData([[0, 1, 1, 0]], [0]), { colums: 2 } as never),
      "Cannot draw digits: unknown option `colums`; did you mean `columns`?",
    ],
    [
      "heatmap",
      () => heatmap([[1, 2]], { sheme: "greys" } as never),
      "Cannot draw heatmap: unknown option `sheme`; did you mean `scheme`?",
    ],
    [
      "confusionMatrix",
      () => confusionMatrix(net, data, { classnames: ["a", "b"] } as never),
      "Cannot draw confusion matrix: unknown option `classnames`; did you mean `classNames`?",
    ],
    [
      "ConfusionMatrix",
      () => new ConfusionMatrix([[1]], { titel: "t" } as never),
      "Cannot draw confusion matrix: unknown option `titel`; did you mean `title`?",
    ],
    [
      "decisionBoundary",
      () => decisionBoundary(net, data, { resolutions: 10 } as never),
      "Cannot draw decision boundary: unknown option `resolutions`; did you mean `resolution`?",
    ],
    [
      "networkDiagram",
      () => networkDiagram(net, { maxNeuron: 4 } as never),
      "Cannot draw network diagram: unknown option `maxNeuron`; did you mean `maxNeurons`?",
    ],
    [
      "liveTraining",
      () => liveTraining({ intervall: 10 } as never),
      "Cannot show live training: unknown option `intervall`; did you mean `interval`?",
    ],
    [
      "terminalProgress",
      () => terminalProgress({ isTTY: true } as never),
      "Cannot make progress bar: unknown option `isTTY`; expected one of `writer`, " +
      "`isTerminal`, `width`, `interval`",
    ],
    [
      "liveTraining's terminal options",
      () => liveTraining({ terminal: { widht: 10 } as never }),
      "Cannot make progress bar: unknown option `widht`; did you mean `width`?",
    ],
  ];
  for (const [name, call, message] of cases) {
    await t.step(name, () => assert.throws(call, { name: "TypeError", message }));
  }
  await t.step("show", async () => {
    await assert.rejects(() => show(new Figure("x", () => ({})), { displayID: "a" } as never), {
      name: "TypeError",
      message: "Cannot show: unknown option `displayID`; did you mean `displayId`?",
    });
  });
  await t.step("renderReport, and its sections", async () => {
    const figure = new Figure("x", () => ({}));
    await assert.rejects(() => renderReport([], { intr: "x" } as never), {
      name: "TypeError",
      message: "Cannot write report: unknown option `intr`; did you mean `intro`?",
    });
    await assert.rejects(() => renderReport([{ figure, heading: "a", txt: "b" } as never]), {
      name: "TypeError",
      message: "Cannot write report: sections[0]: unknown option `txt`; did you mean `text`?",
    });
  });
});
