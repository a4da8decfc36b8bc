// Draws the PNG app icons the web manifest needs (installers ignore SVG icons on several platforms)
// from the same geometry as public/icon.svg. Run once when the mark changes: node web/scripts/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const VIOLET = [0x70, 0x48, 0xe8];
const WHITE = [0xff, 0xff, 0xff];

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, rgbaAt) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(rgbaAt(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage of the white glyph at (u, v) in the 64-unit icon space, 4×4 supersampled by the caller. */
function inGlyph(u, v) {
  const half = 3.5;
  // The U: two vertical strokes from y=18 to 36 and a half circle of radius 10 around (32, 36).
  if (v <= 36 && v >= 18 - half) {
    if (Math.hypot(u - 22, Math.max(0, 18 - v)) <= half || Math.hypot(u - 42, Math.max(0, 18 - v)) <= half) return true;
  }
  if (v >= 36 && Math.abs(Math.hypot(u - 32, v - 36) - 10) <= half) return true;
  return Math.hypot(u - 32, v - 50) <= 3.5;
}

function inRoundedRect(u, v, r) {
  const cx = Math.min(Math.max(u, r), 64 - r);
  const cy = Math.min(Math.max(v, r), 64 - r);
  return Math.hypot(u - cx, v - cy) <= r;
}

function icon(size, { maskable }) {
  // A maskable icon fills the square; its glyph stays inside the central 80% safe zone.
  const glyphScale = maskable ? 0.75 : 1;
  return png(size, (x, y) => {
    let bg = 0;
    let fg = 0;
    for (let sy = 0; sy < 4; sy++) {
      for (let sx = 0; sx < 4; sx++) {
        const u = ((x + (sx + 0.5) / 4) / size) * 64;
        const v = ((y + (sy + 0.5) / 4) / size) * 64;
        if (maskable || inRoundedRect(u, v, 14)) bg++;
        const gu = 32 + (u - 32) / glyphScale;
        const gv = 32 + (v - 32) / glyphScale;
        if (inGlyph(gu, gv)) fg++;
      }
    }
    const alpha = bg / 16;
    const mix = fg / 16;
    const rgb = VIOLET.map((c, i) => Math.round(c * (1 - mix) + WHITE[i] * mix));
    return [...rgb, Math.round(alpha * 255)];
  });
}

const out = new URL('../public/', import.meta.url);
for (const size of [192, 512]) {
  writeFileSync(new URL(`icon-${size}.png`, out), icon(size, { maskable: false }));
  writeFileSync(new URL(`icon-maskable-${size}.png`, out), icon(size, { maskable: true }));
}
writeFileSync(new URL('apple-touch-icon.png', out), icon(180, { maskable: true }));
