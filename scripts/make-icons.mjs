// Draws Hoist's icons into assets/: the four tray states (32×32) and the app
// icon (512×512, electron-builder turns it into .icns/.ico). Simple shapes,
// 4×4 supersampled for smooth edges, encoded as RGBA PNGs with node:zlib only.
// Deterministic: running it again gives byte-identical files.
//
//   node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = join(root, 'assets');

// ------------------------------------------------------------------ PNG encoding

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** rgba: Uint8Array of width*height*4 bytes, straight (not premultiplied) alpha. */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y += 1) {
    const offset = y * (width * 4 + 1);
    rows[offset] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(rows, offset + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ------------------------------------------------------------------ drawing (unit square coordinates)

const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return dx * dx + dy * dy <= r * r;
};

const polygon = (points) => (x, y) => {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i, i += 1) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};

const union = (...shapes) => (x, y) => shapes.some((shape) => shape(x, y));

const hex = (text) => [1, 3, 5].map((i) => parseInt(text.slice(i, i + 2), 16));

/**
 * layers: [{ shape(x, y) → boolean, color(x, y) → [r, g, b] }], bottom first.
 * Each pixel averages 4×4 samples in premultiplied space.
 */
function render(size, layers, samples = 4) {
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          for (let i = layers.length - 1; i >= 0; i -= 1) {
            const layer = layers[i];
            if (!layer.shape(x, y)) continue;
            const [lr, lg, lb] = layer.color(x, y);
            r += lr;
            g += lg;
            b += lb;
            a += 1;
            break;
          }
        }
      }
      const n = samples * samples;
      const offset = (py * size + px) * 4;
      if (a > 0) {
        rgba[offset] = Math.round(r / a);
        rgba[offset + 1] = Math.round(g / a);
        rgba[offset + 2] = Math.round(b / a);
      }
      rgba[offset + 3] = Math.round((a / n) * 255);
    }
  }
  return rgba;
}

const solid = (color) => () => color;
const WHITE = [255, 255, 255];

// Glyphs, drawn in white on the coloured badge.
const upArrow = union(polygon([[0.5, 0.18], [0.22, 0.48], [0.78, 0.48]]), roundedRect(0.41, 0.4, 0.59, 0.8, 0.04));
const pauseBars = union(roundedRect(0.3, 0.26, 0.44, 0.74, 0.03), roundedRect(0.56, 0.26, 0.7, 0.74, 0.03));
const exclamation = union(roundedRect(0.42, 0.17, 0.58, 0.6, 0.07), circle(0.5, 0.76, 0.085));

const TRAY = {
  idle: { color: '#6b7280', glyph: upArrow },
  uploading: { color: '#2563eb', glyph: upArrow },
  paused: { color: '#d97706', glyph: pauseBars },
  attention: { color: '#dc2626', glyph: exclamation },
};

function trayIcon({ color, glyph }) {
  const size = 32;
  const badge = circle(0.5, 0.5, 0.47);
  return encodePng(size, size, render(size, [{ shape: badge, color: solid(hex(color)) }, { shape: (x, y) => badge(x, y) && glyph(x, y), color: solid(WHITE) }]));
}

function appIcon() {
  const size = 512;
  const top = hex('#3b82f6');
  const bottom = hex('#1d4ed8');
  const gradient = (_x, y) => top.map((value, i) => value + (bottom[i] - value) * y);
  // The app's mark: an arrow lifting off a base line, on a rounded square (macOS-style margins).
  const arrow = union(polygon([[0.5, 0.2], [0.28, 0.44], [0.72, 0.44]]), roundedRect(0.44, 0.38, 0.56, 0.66, 0.02));
  const base = roundedRect(0.27, 0.72, 0.73, 0.79, 0.035);
  return encodePng(
    size,
    size,
    render(size, [
      { shape: roundedRect(0.06, 0.06, 0.94, 0.94, 0.2), color: gradient },
      { shape: union(arrow, base), color: solid(WHITE) },
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(assets, { recursive: true });
  for (const [state, spec] of Object.entries(TRAY)) writeFileSync(join(assets, `tray-${state}.png`), trayIcon(spec));
  writeFileSync(join(assets, 'icon.png'), appIcon());
  console.log(`icons written to ${assets}`);
}
