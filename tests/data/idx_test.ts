import assert from "node:assert/strict";
import { type IdxArray, loadIdxDataset, parseIdx, Random, readIdx } from "../../mod.ts";
import { withTempDir } from "../_temp.ts";

const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
const fashionPresent = (() => {
  try {
    return Deno.statSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`).isFile;
  } catch {
    return false;
  }
})();
if (!fashionPresent) {
  console.error(
    `%cNotice: skipping the Fashion-MNIST tests: ${FASHION_DIR} is missing ` +
      `(apt-get install dataset-fashion-mnist)`,
    "color: yellow",
  );
}

/** An IDX file from a type code, dimensions and the value bytes, written out by hand. */
function idx(code: number, dims: number[], body: number[] | Uint8Array): Uint8Array {
  const header = [0, 0, code, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("parseIdx() decodes every IDX type from big-endian bytes", async (t) => {
  // Values and their big-endian encodings, written out by hand.
  await t.step("uint8 and int8", () => {
    const u = parseIdx(idx(0x08, [2, 2], [0, 1, 128, 255]));
    assert.equal(u.type, "uint8");
    assert.ok(u.data instanceof Uint8Array);
    assert.deepEqual(Array.from(u.data), [0, 1, 128, 255]);
    const s = parseIdx(idx(0x09, [4], [0, 1, 128, 255]));
    assert.equal(s.type, "int8");
    assert.ok(s.data instanceof Int8Array);
    assert.deepEqual(Array.from(s.data), [0, 1, -128, -1]);
  });
  await t.step("int16 and int32", () => {
    const a = parseIdx(idx(0x0b, [3], [0x01, 0x02, 0xff, 0xfe, 0x80, 0x00]));
    assert.equal(a.type, "int16");
    assert.ok(a.data instanceof Int16Array);
    assert.deepEqual(Array.from(a.data), [258, -2, -32768]);
    const b = parseIdx(idx(0x0c, [1, 2], [0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfd]));
    assert.equal(b.type, "int32");
    assert.ok(b.data instanceof Int32Array);
    assert.deepEqual(Array.from(b.data), [16909060, -3]);
  });
  await t.step("float32 and float64", () => {
    const a = parseIdx(idx(0x0d, [2], [0x3f, 0xc0, 0, 0, 0xc1, 0x20, 0, 0]));
    assert.equal(a.type, "float32");
    assert.ok(a.data instanceof Float32Array);
    assert.deepEqual(Array.from(a.data), [1.5, -10]);
    const b = parseIdx(
      idx(0x0e, [1, 1, 2], [
        0xc0,
        0x04,
        0,
        0,
        0,
        0,
        0,
        0,
        0x3f,
        0xb9,
        0x99,
        0x99,
        0x99,
        0x99,
        0x99,
        0x9a,
      ]),
    );
    assert.equal(b.type, "float64");
    assert.ok(b.data instanceof Float64Array);
    assert.deepEqual(b.dims, [1, 1, 2]);
    assert.deepEqual(Array.from(b.data), [-2.5, 0.1]);
  });
  await t.step("wide types at an odd offset in a larger buffer", () => {
    const file = idx(0x0b, [2], [0x00, 0x07, 0xff, 0xf9]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 1);
    assert.deepEqual(Array.from(parseIdx(padded.subarray(1, 1 + file.length)).data), [7, -7]);
  });
  await t.step("zero-length dimensions", () => {
    const empty = parseIdx(idx(0x08, [0, 28, 28], []));
    assert.deepEqual(empty.dims, [0, 28, 28]);
    assert.equal(empty.data.length, 0);
  });
});

Deno.test("parseIdx() rejects wrong and truncated files, naming the file", async (t) => {
  const good = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
  const cases: [string, Uint8Array, typeof TypeError | typeof RangeError, RegExp][] = [
    ["empty", new Uint8Array(0), RangeError, /truncated, 0 bytes are too few for the header/],
    ["short header", good.subarray(0, 9), RangeError, /truncated, 9 bytes/],
    ["bad magic", new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), TypeError, /magic number 0x01000801/],
    ["unknown type", idx(0x0a, [1], [0]), TypeError, /unknown type code 0x0a/],
    ["no dimensions", new Uint8Array([0, 0, 8, 0]), RangeError, /0 dimensions, expected 1 to 8/],
    ["nine dimensions", idx(0x08, [1, 1, 1, 1, 1, 1, 1, 1, 1], [7]), RangeError, /9 dimensions/],
    [
      "truncated body",
      good.subarray(0, good.length - 1),
      RangeError,
      /truncated, the header claims 2 × 3 uint8 values \(6 bytes\) but 5 bytes follow it/,
    ],
    ["too long", idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6, 7]), RangeError, /too long.*7 bytes follow/],
    ["float body cut", idx(0x0d, [2], [0, 0, 0, 0, 0, 0]), RangeError, /\(8 bytes\) but 6/],
    ["gzip bytes", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), TypeError, /gzip-compressed/],
  ];
  for (const [label, bytes, type, message] of cases) {
    await t.step(label, () => {
      assert.throws(() => parseIdx(bytes, "data/my-file-idx3-ubyte"), (e: Error) => {
        assert.ok(e instanceof type, `${label}: expected ${type.name}, got ${e}`);
        assert.match(e.message, /^Cannot read IDX file data\/my-file-idx3-ubyte: /);
        assert.match(e.message, message);
        return true;
      });
    });
  }
  await t.step("without a name", () => {
    assert.throws(() => parseIdx(new Uint8Array(2)), /^RangeError: Cannot read IDX data: /);
    assert.throws(
      () => parseIdx([0, 0, 8, 1] as unknown as Uint8Array),
      /^TypeError: Cannot read IDX data: expected a Uint8Array, got an array$/,
    );
  });
});

Deno.test("parseIdx() refuses a header that claims more than the file holds", () => {
  // 2³²-1 × 2³²-1 × 2³²-1 float64 values: far beyond any memory, and the file is 20 bytes.
  const huge = idx(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], [1, 2, 3, 4]);
  assert.throws(
    () => parseIdx(huge, "huge"),
    /^RangeError: Cannot read IDX file huge: .*truncated/,
  );
  const overflowing = idx(0x08, [0x10000, 0x10000], [0]); // 2³² bytes claimed
  assert.throws(() => parseIdx(overflowing), /4294967296 bytes\) but 1 bytes follow it/);
});

Deno.test("readIdx() reads plain and gzip files alike", async (t) => {
  await withTempDir("idx_test_", async (dir) => {
    const file = idx(0x0c, [2, 2], [0, 0, 0, 1, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0]);
    const expected = [1, 256, -1, 65536];
    await Deno.writeFile(`${dir}/a-idx2-int`, file);
    await Deno.writeFile(`${dir}/a-idx2-int.gz`, await gzip(file));
    // The gzip magic number decides, not the name.
    await Deno.writeFile(`${dir}/compressed-without-suffix`, await gzip(file));
    for (const name of ["a-idx2-int", "a-idx2-int.gz", "compressed-without-suffix"]) {
      await t.step(name, async () => {
        const read = await readIdx(`${dir}/${name}`);
        assert.equal(read.type, "int32");
        assert.deepEqual(read.dims, [2, 2]);
        assert.deepEqual(Array.from(read.data), expected);
      });
    }
    await t.step("a file: URL", async () => {
      const url = new URL(`file://${dir}/a-idx2-int.gz`);
      assert.deepEqual(Array.from((await readIdx(url)).data), expected);
    });
    await t.step("a large gzip file spanning many pieces", async () => {
      const r = new Random(3);
      const body = new Uint8Array(300_000).map(() => r.int(256));
      const big = idx(0x08, [300, 1000], body);
      await Deno.writeFile(`${dir}/big.gz`, await gzip(big));
      const read = await readIdx(`${dir}/big.gz`);
      assert.deepEqual(read.dims, [300, 1000]);
      assert.deepEqual(read.data, body);
    });
    await t.step("a missing file is Deno's NotFound", async () => {
      await assert.rejects(readIdx(`${dir}/missing`), Deno.errors.NotFound);
    });
  });
});

Deno.test("readIdx() stops decompressing at the size the header claims", async (t) => {
  await withTempDir("idx_test_", async (dir) => {
    // 32 MB of zeros compress to about 32 KB; the header claims 8 bytes of them.
    const bomb = new Uint8Array(32 << 20);
    bomb.set(idx(0x08, [8], []));
    await Deno.writeFile(`${dir}/bomb.gz`, await gzip(bomb));
    await t.step("more data than claimed", async () => {
      await assert.rejects(
        readIdx(`${dir}/bomb.gz`),
        (e: Error) => {
          assert.ok(e instanceof RangeError);
          assert.match(
            e.message,
            /bomb\.gz: file is too long, it decompresses to more than the 16 bytes/,
          );
          return true;
        },
      );
    });
    await t.step("a claim above maxBytes is refused before decompressing it", async () => {
      await Deno.writeFile(`${dir}/claims.gz`, await gzip(idx(0x08, [1000, 1000], [1, 2, 3])));
      await assert.rejects(
        readIdx(`${dir}/claims.gz`, { maxBytes: 100_000 }),
        /^RangeError: .*claims.gz: the header claims 1000 × 1000 uint8 values, 1000012 bytes in all, more than maxBytes 100000$/,
      );
      // Within the limit the same file is merely truncated.
      await assert.rejects(readIdx(`${dir}/claims.gz`), /truncated.*but 3 bytes follow it/);
    });
    await t.step("corrupt gzip data", async () => {
      const gz = await gzip(idx(0x08, [4], [1, 2, 3, 4]));
      await Deno.writeFile(`${dir}/cut.gz`, gz.subarray(0, gz.length - 6));
      await assert.rejects(
        readIdx(`${dir}/cut.gz`),
        /^TypeError: Cannot read IDX file .*cut\.gz: gzip data is corrupt or truncated/,
      );
    });
    await t.step("maxBytes must be a number", async () => {
      await assert.rejects(
        readIdx(`${dir}/bomb.gz`, { maxBytes: -1 }),
        /^RangeError: .*maxBytes is -1, expected a number ≥ 0$/,
      );
    });
  });
});

Deno.test("loadIdxDataset() packs images and labels", async (t) => {
  await withTempDir("idx_test_", async (dir) => {
    await Deno.writeFile(
      `${dir}/images`,
      idx(0x08, [3, 2, 2], [0, 51, 102, 153, 204, 255, 0, 0, 1, 2, 3, 4]),
    );
    await Deno.writeFile(`${dir}/labels.gz`, await gzip(idx(0x08, [3], [2, 0, 1])));
    await t.step("bytes scaled by 1/255", async () => {
      const data = await loadIdxDataset(`${dir}/images`, `${dir}/labels.gz`);
      assert.equal(data.length, 3);
      assert.equal(data.inputSize, 4);
      assert.equal(data.numClasses, 3);
      assert.ok(data.inputs instanceof Uint8Array);
      assert.ok(Math.abs(data.inputScale - 1 / 255) < 1e-15);
      assert.ok(Math.abs(data.inputs[1]! * data.inputScale - 0.2) < 1e-12);
      assert.deepEqual(Array.from(data.labels), [2, 0, 1]);
    });
    await t.step("numClasses option", async () => {
      const data = await loadIdxDataset(`${dir}/images`, `${dir}/labels.gz`, { numClasses: 10 });
      assert.equal(data.numClasses, 10);
      await assert.rejects(
        loadIdxDataset(`${dir}/images`, `${dir}/labels.gz`, { numClasses: 2 }),
        /^RangeError: Cannot load IDX dataset: numClasses is 2, expected an integer above the largest label 2$/,
      );
    });
    await t.step("float inputs keep scale 1, int16 labels", async () => {
      await Deno.writeFile(`${dir}/floats`, idx(0x0d, [1, 1], [0x3f, 0xc0, 0, 0]));
      await Deno.writeFile(`${dir}/labels16`, idx(0x0b, [1], [0x01, 0x00]));
      const data = await loadIdxDataset(`${dir}/floats`, `${dir}/labels16`);
      assert.ok(data.inputs instanceof Float32Array);
      assert.equal(data.inputScale, 1);
      assert.equal(data.labels[0], 256);
      assert.equal(data.numClasses, 257);
    });
    await t.step("mismatched files", async () => {
      await Deno.writeFile(`${dir}/labels2`, idx(0x08, [2], [0, 1]));
      await assert.rejects(
        loadIdxDataset(`${dir}/images`, `${dir}/labels2`),
        /^RangeError: Cannot load IDX dataset: .*images has 3 inputs but .*labels2 has 2 labels, expected as many of each$/,
      );
      await assert.rejects(
        loadIdxDataset(`${dir}/labels2`, `${dir}/labels2`),
        /^TypeError: Cannot load IDX dataset: .*labels2 has 1 dimension, expected 2 or more/,
      );
      await assert.rejects(
        loadIdxDataset(`${dir}/images`, `${dir}/images`),
        /^TypeError: .*images holds 3 × 2 × 2 uint8 values, expected a list of integers$/,
      );
      await Deno.writeFile(`${dir}/negative`, idx(0x09, [3], [0, 255, 1]));
      await assert.rejects(
        loadIdxDataset(`${dir}/images`, `${dir}/negative`),
        /^RangeError: Cannot load IDX dataset: label 1 in .*negative is -1, expected ≥ 0$/,
      );
    });
  });
});

Deno.test({
  name: "loadIdxDataset() loads Fashion-MNIST (dataset-fashion-mnist)",
  ignore: !fashionPresent,
  fn: async () => {
    const train = await loadIdxDataset(
      `${FASHION_DIR}/train-images-idx3-ubyte.gz`,
      `${FASHION_DIR}/train-labels-idx1-ubyte.gz`,
    );
    const test = await loadIdxDataset(
      `${FASHION_DIR}/t10k-images-idx3-ubyte.gz`,
      `${FASHION_DIR}/t10k-labels-idx1-ubyte.gz`,
    );
    assert.deepEqual([train.length, test.length], [60000, 10000]);
    assert.equal(train.inputSize, 784);
    assert.equal(train.numClasses, 10);
    // Fashion-MNIST has exactly 6,000 training and 1,000 test images per class.
    for (const [data, each] of [[train, 6000], [test, 1000]] as const) {
      const counts = new Array(10).fill(0);
      for (const l of data.labels) counts[l]++;
      assert.deepEqual(counts, new Array(10).fill(each));
    }
    // The first training image is an ankle boot (9), then two T-shirts (0) and a dress (3).
    assert.deepEqual(Array.from(train.labels.subarray(0, 4)), [9, 0, 0, 3]);
  },
});

/** What a successful parse must satisfy whatever the input. */
function checkResult(result: IdxArray, input: Uint8Array): void {
  const size = result.data.BYTES_PER_ELEMENT;
  const count = result.dims.reduce((a, b) => a * b, 1);
  assert.equal(result.data.length, count);
  assert.equal(4 + 4 * result.dims.length + count * size, input.length);
  assert.ok(result.data.byteLength <= input.length);
}

/** What a failure must satisfy: our own error, with a message that names the file. */
function checkError(e: unknown, prefix: string): void {
  assert.ok(e instanceof TypeError || e instanceof RangeError, `unexpected ${e}`);
  assert.ok(e.message.startsWith(prefix), `message without the file: ${e.message}`);
}

/** A random valid IDX file of any type with small dimensions. */
function validFile(r: Random): Uint8Array {
  const codes = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e];
  const sizes = [1, 1, 2, 4, 4, 8];
  const t = r.int(codes.length);
  const dims = Array.from({ length: 1 + r.int(3) }, () => r.int(5));
  const n = dims.reduce((a, b) => a * b, 1) * sizes[t]!;
  return idx(codes[t]!, dims, Uint8Array.from({ length: n }, () => r.int(256)));
}

/** A random damaging edit of a valid file. */
function mutate(r: Random, file: Uint8Array): Uint8Array {
  const out = file.slice();
  switch (r.int(6)) {
    case 0: // flip bytes, mostly in the header
      for (let k = 1 + r.int(3); k > 0; k--) {
        const i = r.uniform() < 0.7 ? r.int(Math.min(out.length, 16)) : r.int(out.length);
        out[i] = r.int(256);
      }
      return out;
    case 1: // truncate
      return out.subarray(0, r.int(out.length));
    case 2: { // extend
      const longer = new Uint8Array(out.length + 1 + r.int(16));
      longer.set(out);
      return longer;
    }
    case 3: { // claim a huge dimension
      const d = r.int(out[3]!);
      const v = r.uniform() < 0.5 ? 0xffffffff : r.nextUint32();
      new DataView(out.buffer).setUint32(4 + 4 * d, v);
      return out;
    }
    case 4: // change the number of dimensions
      out[3] = r.int(256);
      return out;
    default: // change the type
      out[2] = r.int(256);
      return out;
  }
}

Deno.test("parseIdx() survives random and mutated bytes (seeded fuzz)", async (t) => {
  const r = new Random(20240601);
  const iterations = 2000;
  let parsed = 0, rejected = 0;
  for (let it = 0; it < iterations; it++) {
    let input: Uint8Array;
    const kind = r.int(4);
    if (kind === 0) input = Uint8Array.from({ length: r.int(64) }, () => r.int(256));
    else if (kind === 1) {
      // Plausible header start, random rest.
      input = Uint8Array.from({ length: 4 + r.int(64) }, () => r.int(256));
      input.set([0, 0, [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e][r.int(6)]!, 1 + r.int(4)]);
    } else if (kind === 2) input = validFile(r);
    else input = mutate(r, validFile(r));
    try {
      checkResult(parseIdx(input, `fuzz-${it}`), input);
      parsed++;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      checkError(e, `Cannot read IDX file fuzz-${it}: `);
      rejected++;
    }
  }
  await t.step("both outcomes were exercised", () => {
    assert.equal(parsed + rejected, iterations);
    assert.ok(parsed > 300, `only ${parsed} parsed`);
    assert.ok(rejected > 300, `only ${rejected} rejected`);
  });
});

Deno.test("readIdx() survives mutated gzip files (seeded fuzz)", async () => {
  const r = new Random(77);
  await withTempDir("idx_test_", async (dir) => {
    let parsed = 0, rejected = 0;
    for (let it = 0; it < 60; it++) {
      const raw = r.uniform() < 0.5 ? validFile(r) : mutate(r, validFile(r));
      const gz = await gzip(raw);
      let bytes: Uint8Array;
      switch (r.int(4)) {
        case 0: // flip bytes anywhere after the gzip magic number
          bytes = gz.slice();
          for (let k = 1 + r.int(3); k > 0; k--) bytes[2 + r.int(bytes.length - 2)] = r.int(256);
          break;
        case 1: // truncate
          bytes = gz.subarray(0, 2 + r.int(gz.length - 2));
          break;
        case 2: // gzip magic then garbage
          bytes = Uint8Array.from({ length: 2 + r.int(40) }, () => r.int(256));
          bytes.set([0x1f, 0x8b]);
          break;
        default: // intact, possibly over a mutated IDX file
          bytes = gz;
      }
      const path = `${dir}/fuzz-${it}.gz`;
      await Deno.writeFile(path, bytes);
      try {
        const result = await readIdx(path);
        assert.ok(result.data.byteLength <= raw.length);
        parsed++;
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        checkError(e, `Cannot read IDX file ${path}: `);
        rejected++;
      }
    }
    assert.ok(parsed > 5 && rejected > 5, `parsed ${parsed}, rejected ${rejected}`);
  });
});
