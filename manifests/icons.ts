// Draws the app's icons (a white "C" for CRM with an envelope flap on the brand blue) as PNG files:
// the app package's color (192 px) and outline (32 px, white on transparent) icons, and the
// add-in's ribbon and pane icons served under /addin/. `node manifests/icons.ts` writes them all.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const BRAND: [number, number, number] = [0x0f, 0x6c, 0xbd];

type Shape = (x: number, y: number) => boolean;

/** The mark in a unit square: a ring open to the right, with a small envelope inside. */
function mark(stroke: number): Shape {
  return (x, y) => {
    const dx = x - 0.5;
    const dy = y - 0.5;
    const r = Math.hypot(dx, dy);
    const angle = Math.atan2(dy, dx);
    const ring = r <= 0.36 && r >= 0.36 - stroke && Math.abs(angle) > Math.PI / 4.2;
    // An envelope: a rectangle with its flap (a V), inside the ring.
    const inBox = x >= 0.38 && x <= 0.66 && y >= 0.4 && y <= 0.6;
    const border =
      inBox && (x <= 0.38 + stroke / 2 || x >= 0.66 - stroke / 2 || y <= 0.4 + stroke / 2 || y >= 0.6 - stroke / 2);
    const flap = inBox && Math.abs(y - 0.4 - (0.14 - Math.abs(x - 0.52))) < stroke / 2.5;
    return ring || border || flap;
  };
}

function roundedSquare(radius: number): Shape {
  return (x, y) => {
    const cx = Math.min(Math.max(x, radius), 1 - radius);
    const cy = Math.min(Math.max(y, radius), 1 - radius);
    return Math.hypot(x - cx, y - cy) <= radius;
  };
}

/** RGBA pixels, 4×4 supersampled for smooth edges. */
function render(size: number, outline: boolean): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const background = roundedSquare(0.18);
  const foreground = mark(outline ? 0.11 : 0.085);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (background(x, y)) bg++;
          if (foreground(x, y)) fg++;
        }
      }
      const n = samples * samples;
      const offset = (py * size + px) * 4;
      if (outline) {
        pixels.set([255, 255, 255, Math.round((255 * fg) / n)], offset);
      } else {
        const f = fg / n;
        const color = BRAND.map((c) => Math.round(c * (1 - f) + 255 * f));
        pixels.set([...color, Math.round((255 * bg) / n)], offset);
      }
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function iconPng(size: number, options: { outline?: boolean } = {}): Buffer {
  const pixels = render(size, options.outline ?? false);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Sizes the ribbon and the pane ask for (Outlook scales among 16, 32 and 80; 64 and 128 for high DPI). */
// Ribbon (16, 32, 80), the add-in-only manifest generated for older Outlook (64, 128), Outlook mobile
// (25, 32 and 48 at scales 1 to 3).
export const ADDIN_ICON_SIZES = [16, 25, 32, 48, 50, 64, 75, 80, 96, 128, 144] as const;

const isEntryPoint = import.meta.url === `file://${process.argv[1]}`;
if (isEntryPoint) {
  mkdirSync(path.join(here, 'icons'), { recursive: true });
  writeFileSync(path.join(here, 'icons', 'color.png'), iconPng(192));
  writeFileSync(path.join(here, 'icons', 'outline.png'), iconPng(32, { outline: true }));
  const publicDir = path.join(here, '..', 'addin-outlook', 'public');
  mkdirSync(publicDir, { recursive: true });
  for (const size of ADDIN_ICON_SIZES) writeFileSync(path.join(publicDir, `icon-${size}.png`), iconPng(size));
  process.stdout.write('icons written\n');
}
