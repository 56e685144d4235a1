import assert from "node:assert/strict";
import { colorTable } from "../../lib/display/_color.ts";
import { matrixIndices, matrixPng } from "../../lib/display/_image.ts";
import { crc32, encodePng, pngDataUrl } from "../../lib/display/_png.ts";
import { bitwiseCrc, decodePng, pngFromDataUrl } from "./_decode.ts";

Deno.test("crc32() matches the bitwise CRC and the standard check value", () => {
  // The CRC-32 check value of "123456789" is 0xcbf43926.
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 255);
  assert.equal(crc32(bytes), bitwiseCrc(bytes));
});

Deno.test("encodePng() writes a PNG that decodes to the same pixels", async (t) => {
  await t.step("RGB", async () => {
    const w = 7, h = 5;
    const px = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) & 255);
    const png = await encodePng(w, h, px, 3);
    const d = await decodePng(png);
    assert.deepEqual([d.width, d.height, d.colorType], [7, 5, 2]);
    assert.deepEqual(d.chunks, ["IHDR", "IDAT", "IEND"]);
    assert.deepEqual(d.rgb, px);
  });
  await t.step("greyscale", async () => {
    const px = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const d = await decodePng(await encodePng(4, 3, px, 1));
    assert.equal(d.colorType, 0);
    assert.deepEqual(Array.from(d.rgb.filter((_, i) => i % 3 === 0)), Array.from(px));
  });
  await t.step("indexed colour with a palette", async () => {
    const palette = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const d = await decodePng(await encodePng(3, 1, Uint8Array.from([2, 0, 1]), 1, palette));
    assert.equal(d.colorType, 3);
    assert.deepEqual(d.chunks, ["IHDR", "PLTE", "IDAT", "IEND"]);
    assert.deepEqual(Array.from(d.rgb), [0, 0, 255, 255, 0, 0, 0, 255, 0]);
  });
  await t.step("a damaged byte fails the CRC", async () => {
    const png = await encodePng(2, 2, new Uint8Array(12), 3);
    png[20] = png[20]! ^ 1; // inside IHDR's width/height
    await assert.rejects(decodePng(png), /Bad CRC in chunk IHDR/);
  });
});

Deno.test("pngDataUrl() wraps the bytes in base64", async () => {
  const png = await encodePng(1, 1, Uint8Array.from([1, 2, 3]), 3);
  const url = pngDataUrl(png);
  assert.match(url, /^data:image\/png;base64,iVBORw0KGgo/);
  assert.deepEqual(pngFromDataUrl(url), png);
});

Deno.test("matrixPng() in greys is greyscale, the same pixels as through the palette", async () => {
  const values = Array.from({ length: 15 }, (_, i) => Math.sin(i));
  const domain: [number, number] = [-1, 1];
  const grey = await decodePng(await matrixPng(values, 3, 5, "greys", domain));
  assert.equal(grey.colorType, 0);
  const indices = matrixIndices(values, 3, 5, domain);
  const viaPalette = await decodePng(await encodePng(5, 3, indices, 1, colorTable("greys")));
  assert.equal(viaPalette.colorType, 3);
  assert.deepEqual(grey.rgb, viaPalette.rgb);
  assert.equal((await decodePng(await matrixPng(values, 3, 5, "redblue", domain))).colorType, 3);
});
