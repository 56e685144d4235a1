// PNG fixtures are written here: 8-bit ones by the library's encoder, the other colour types
// and bit depths by a small encoder of this file (packed samples, no filter, a bitwise CRC).

import assert from "node:assert/strict";
import { loadMnist, loadPng, loadPngFolder } from "../../mod.ts";
import { encodePng } from "../../lib/display/_png.ts";
import { bitwiseCrc } from "../display/_decode.ts";
import { withTempDir } from "../_temp.ts";

/** A PNG of `samples` (row by row, channel by channel) at `depth` bits, unfiltered. */
async function rawPng(
  width: number,
  height: number,
  colorType: 0 | 2 | 3 | 4 | 6,
  depth: 1 | 2 | 4 | 8 | 16,
  samples: readonly number[],
  extra: { plte?: number[]; trns?: number[] } = {},
): Promise<Uint8Array> {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  const perRow = width * channels, rowBytes = Math.ceil((perRow * depth) / 8);
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < perRow; i++) {
      const v = samples[y * perRow + i]!;
      const at = y * (rowBytes + 1) + 1;
      if (depth === 16) [raw[at + 2 * i], raw[at + 2 * i + 1]] = [v >> 8, v & 255];
      else {
        const bit = i * depth;
        raw[at + (bit >> 3)]! |= v << (8 - depth - (bit & 7));
      }
    }
  }
  const zlib = new Uint8Array(
    await new Response(
      new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate")),
    ).arrayBuffer(),
  );
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const chunks: [string, Uint8Array][] = [["IHDR", ihdr]];
  if (extra.plte) chunks.push(["PLTE", new Uint8Array(extra.plte)]);
  if (extra.trns) chunks.push(["tRNS", new Uint8Array(extra.trns)]);
  chunks.push(["IDAT", zlib], ["IEND", new Uint8Array(0)]);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])];
  for (const [type, body] of chunks) {
    const c = new Uint8Array(12 + body.length);
    const view = new DataView(c.buffer);
    view.setUint32(0, body.length);
    c.set([...type].map((ch) => ch.charCodeAt(0)), 4);
    c.set(body, 8);
    view.setUint32(8 + body.length, bitwiseCrc(c.subarray(4, 8 + body.length)));
    parts.push(c);
  }
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

/** loadPng's result as bytes. */
async function greyBytes(png: Uint8Array, options: Parameters<typeof loadPng>[1]) {
  let out: number[] = [];
  await withTempDir("backprop_png_", async (dir) => {
    await Deno.writeFile(`${dir}/x.png`, png);
    out = [...await loadPng(`${dir}/x.png`, options)].map((v) => v * 255);
  });
  return out;
}

function assertBytes(got: number[], want: number[]) {
  assert.equal(got.length, want.length);
  got.forEach((g, i) =>
    assert.ok(Math.abs(g - want[i]!) < 1e-9, `pixel ${i}: ${g}, expected ${want[i]}`)
  );
}

Deno.test("loadPng() reads every colour type and bit depth as grey", async (t) => {
  const same = (w: number, h: number) => ({ width: w, height: h });
  await t.step("8-bit grey, unchanged", async () => {
    const px = [0, 17, 128, 255, 3, 99];
    assertBytes(await greyBytes(await encodePng(3, 2, new Uint8Array(px), 1), same(3, 2)), px);
  });
  for (const depth of [1, 2, 4] as const) {
    await t.step(`${depth}-bit grey, rows not a whole number of bytes`, async () => {
      const max = 2 ** depth - 1;
      const samples = Array.from({ length: 5 * 3 }, (_, i) => (i * 7) % (max + 1));
      const png = await rawPng(5, 3, 0, depth, samples);
      assertBytes(
        await greyBytes(png, same(5, 3)),
        samples.map((s) => Math.round((s / max) * 255)),
      );
    });
  }
  await t.step("16-bit grey", async () => {
    const png = await rawPng(3, 1, 0, 16, [0, 32768, 65535]);
    assertBytes(await greyBytes(png, same(3, 1)), [0, 128, 255]);
  });
  await t.step("RGB by its luma", async () => {
    const png = await encodePng(
      4,
      1,
      new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]),
      3,
    );
    assertBytes(await greyBytes(png, same(4, 1)), [76, 150, 29, 255]); // 0.299, 0.587, 0.114 of 255
  });
  await t.step("transparency over white, in RGBA, grey + alpha and a palette", async () => {
    const rgba = await encodePng(3, 1, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 51]), 4);
    assertBytes(await greyBytes(rgba, same(3, 1)), [255, 0, 204]);
    const ga = await rawPng(2, 1, 4, 8, [0, 255, 100, 0]);
    assertBytes(await greyBytes(ga, same(2, 1)), [0, 255]);
    const indexed = await rawPng(3, 1, 3, 2, [0, 1, 2], {
      plte: [0, 0, 0, 255, 255, 255, 255, 0, 0],
      trns: [0, 255, 255],
    });
    assertBytes(await greyBytes(indexed, same(3, 1)), [255, 255, 76]);
  });
  await t.step("invert", async () => {
    const png = await encodePng(2, 1, new Uint8Array([0, 200]), 1);
    assertBytes(await greyBytes(png, { ...same(2, 1), invert: true }), [255, 55]);
  });
});

/** Area resizing computed another way: repeat each pixel up to a common multiple, average blocks. */
function areaReference(src: number[], w: number, h: number, W: number, H: number): number[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const lx = (w * W) / gcd(w, W), ly = (h * H) / gcd(h, H);
  const out: number[] = [];
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      let s = 0;
      const bx = lx / W, by = ly / H;
      for (let j = Y * by; j < (Y + 1) * by; j++) {
        for (let i = X * bx; i < (X + 1) * bx; i++) {
          s += src[Math.floor(j / (ly / h)) * w + Math.floor(i / (lx / w))]!;
        }
      }
      out.push(s / (bx * by));
    }
  }
  return out;
}

Deno.test("loadPng() resizes by the area each pixel covers", async (t) => {
  const cases: [number, number, number, number][] = [[4, 4, 2, 2], [3, 3, 2, 2], [7, 5, 3, 4], [
    2,
    1,
    4,
    1,
  ], [28, 28, 9, 13]];
  for (const [w, h, W, H] of cases) {
    await t.step(`${w} × ${h} to ${W} × ${H}`, async () => {
      const px = Array.from({ length: w * h }, (_, i) => (i * 97 + 13) % 256);
      const got = await greyBytes(await encodePng(w, h, new Uint8Array(px), 1), {
        width: W,
        height: H,
      });
      const want = areaReference(px, w, h, W, H);
      got.forEach((g, i) =>
        assert.ok(Math.abs(g - want[i]!) <= 0.5 + 1e-9, `pixel ${i}: ${g}, expected ${want[i]}`)
      );
    });
  }
  await t.step("block means exactly when the sizes divide", async () => {
    const px = [0, 40, 80, 120, 0, 40, 80, 120, 200, 200, 10, 10, 200, 200, 30, 30];
    const got = await greyBytes(await encodePng(4, 4, new Uint8Array(px), 1), {
      width: 2,
      height: 2,
    });
    assertBytes(got, [20, 100, 200, 20]);
  });
});

Deno.test("loadPngFolder() reads MNIST digits written as PNGs back exactly", async () => {
  const { test } = await loadMnist();
  await withTempDir("backprop_pngs_", async (dir) => {
    for (let i = 0; i < 30; i++) {
      const label = test.labels[i]!;
      await Deno.mkdir(`${dir}/${label}`, { recursive: true });
      const px = test.inputs.subarray(i * 784, (i + 1) * 784) as Uint8Array;
      await Deno.writeFile(
        `${dir}/${label}/${String(i).padStart(3, "0")}.png`,
        await encodePng(28, 28, px, 1),
      );
    }
    const { data, classes, files } = await loadPngFolder(dir);
    assert.deepEqual(classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    assert.equal(data.length, 30);
    assert.equal(data.inputScale, 1 / 255);
    files.forEach((f, k) => {
      const i = Number(f.slice(f.indexOf("/") + 1, -4));
      assert.equal(data.labels[k], test.labels[i]);
      assert.deepEqual(
        data.inputs.subarray(k * 784, (k + 1) * 784),
        test.inputs.subarray(i * 784, (i + 1) * 784),
      );
    });
  });
});

Deno.test("loadPngFolder() names classes from folders and file names, and refuses what it cannot read", async (t) => {
  const dot = await encodePng(2, 2, new Uint8Array([0, 0, 0, 0]), 1);
  await withTempDir("backprop_pngs_", async (dir) => {
    await Deno.mkdir(`${dir}/cat`);
    await Deno.writeFile(`${dir}/cat/a.png`, dot);
    await Deno.writeFile(`${dir}/dog_1.png`, dot);
    await Deno.writeFile(`${dir}/dog.PNG`, dot);
    await Deno.writeTextFile(`${dir}/.DS_Store`, "hidden files are skipped");
    await t.step("names, in order, sorted classes", async () => {
      const got = await loadPngFolder(dir, { width: 3, height: 1 });
      assert.deepEqual(got.files, ["cat/a.png", "dog.PNG", "dog_1.png"]);
      assert.deepEqual(got.classes, ["cat", "dog"]);
      assert.deepEqual([...got.data.labels], [0, 1, 1]);
      assert.equal(got.data.inputSize, 3);
      assert.equal(String(got), `${dir}: 3 images of 3 × 1, 2 classes: 0 cat, 1 dog`);
    });
    await t.step("classes given, and an image of another class", async () => {
      const got = await loadPngFolder(dir, { classes: ["dog", "cat", "bird"] });
      assert.deepEqual([...got.data.labels], [1, 0, 0]);
      await assert.rejects(
        () => loadPngFolder(dir, { classes: ["dog"] }),
        (e: Error) =>
          e instanceof RangeError &&
          e.message ===
            `Cannot load images from ${dir}: cat/a.png is of class "cat", expected one of the classes "dog"`,
      );
    });
  });
  const refusals: [string, (dir: string) => Promise<void>, ErrorConstructor, string][] = [
    [
      "a file that is not a PNG by name",
      (d) => Deno.writeTextFile(`${d}/notes.txt`, "x"),
      TypeError,
      "notes.txt is not a .png file, expected only PNG images and folders named by class",
    ],
    [
      "a file that is not a PNG inside",
      (d) => Deno.writeTextFile(`${d}/cat/b.png`, "not a png"),
      TypeError,
      "cat/b.png is not a PNG file (it lacks the PNG signature)",
    ],
    [
      "a truncated PNG",
      (d) => Deno.writeFile(`${d}/cat/c.png`, dot.subarray(0, 40)),
      TypeError,
      "cat/c.png is a PNG that cannot be read (",
    ],
    [
      "a folder in a class folder",
      (d) => Deno.mkdir(`${d}/cat/more`),
      TypeError,
      "cat/more is a folder inside the class folder cat, expected only PNG files there",
    ],
    [
      "a file name with no class",
      (d) => Deno.writeFile(`${d}/_x.png`, dot),
      TypeError,
      '_x.png has no class before its "_", expected CLASS_NAME.png',
    ],
  ];
  for (const [what, make, type, message] of refusals) {
    await t.step(what, async () => {
      await withTempDir("backprop_pngs_", async (dir) => {
        await Deno.mkdir(`${dir}/cat`);
        await Deno.writeFile(`${dir}/cat/a.png`, dot);
        await loadPngFolder(dir); // reads before the bad file is added
        await make(dir);
        await assert.rejects(
          () => loadPngFolder(dir),
          (e: Error) => {
            assert.ok(e instanceof type, `${e.constructor.name}: ${e.message}`);
            assert.ok(
              e.message.startsWith(`Cannot load images from ${dir}: ${message}`),
              e.message,
            );
            return true;
          },
        );
      });
    });
  }
  await t.step("an empty folder, bad options", async () => {
    await withTempDir("backprop_pngs_", async (dir) => {
      await assert.rejects(
        () => loadPngFolder(dir),
        /there are no PNG files, expected images named by class/,
      );
      await assert.rejects(
        () => loadPngFolder(dir, { widht: 28 } as never),
        /unknown option `widht`; did you mean `width`\?/,
      );
      await assert.rejects(
        () => loadPngFolder(dir, { width: 0 }),
        /width is 0, expected an integer ≥ 1 and ≤ 4096/,
      );
      await assert.rejects(
        () => loadPng(`${dir}/x.png`, { classes: ["a"] } as never),
        /unknown option `classes`/,
      );
    });
  });
});
