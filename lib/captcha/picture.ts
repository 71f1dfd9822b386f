// Captcha image half, part one: the geometry, the random plumbing and the procedural background picture
// that every puzzle is cut from (the cutting, holes and noise are in ./puzzle.ts).
import { randomInt } from 'node:crypto';
import { PNG } from 'pngjs';

/**
 * Image geometry of the AJ-Captcha `blockPuzzle`, in pixels. Clients built for AJ-Captcha (EIAM / Huawei
 * OneAccess front ends) lay their slider out for exactly these sizes:
 *
 * - `width` x `height` (310 x 155): the background picture (`originalImageBase64`).
 * - `pieceWidth` x `pieceHeight` (47 x 155): the jigsaw image (`jigsawImageBase64`). It spans the full height
 *   of the background, so the client only moves it horizontally; the piece shape sits somewhere inside it
 *   and everything else is transparent.
 */
export const PUZZLE = { width: 310, height: 155, pieceWidth: 47, pieceHeight: 155 } as const;

/**
 * A source of random integers with the contract of `crypto.randomInt(min, max)`: an integer in
 * `[min, max)` (max exclusive). The default everywhere is `crypto.randomInt`; tests pass a seeded one.
 */
export type RandomSource = (min: number, max: number) => number;

/** The production source: `crypto.randomInt`. */
export const secureRandom: RandomSource = (min, max) => randomInt(min, max);

/** Draws from `random` and checks the result keeps the `[min, max)` integer contract. */
export function draw(random: RandomSource, min: number, max: number): number {
  const value = random(min, max);
  if (!Number.isInteger(value) || value < min || value >= max) {
    throw new RangeError(`random source returned ${value}, outside the integer range [${min}, ${max})`);
  }
  return value;
}

export type Rgb = [number, number, number];

/** A colour with each channel drawn from `[min, max)`. */
export function drawColor(random: RandomSource, min = 0, max = 256): Rgb {
  return [draw(random, min, max), draw(random, min, max), draw(random, min, max)];
}

/**
 * mulberry32: a fast 32-bit PRNG for per-pixel texture and noise, seeded by one draw of the real source.
 * Never used for the answer or for anything a client must not predict on its own.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Linear interpolation between two colours, `t` in [0, 1]. */
function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function clampByte(value: number): number {
  return Math.max(0, Math.min(255, value));
}

/** Alpha-blends `color` (opacity `alpha` in 0-255) over the pixel at byte offset `i`. */
function blend(data: Buffer, i: number, color: Rgb, alpha: number): void {
  const keep = 255 - alpha;
  data[i] = ((data[i] ?? 0) * keep + color[0] * alpha + 127) / 255;
  data[i + 1] = ((data[i + 1] ?? 0) * keep + color[1] * alpha + 127) / 255;
  data[i + 2] = ((data[i + 2] ?? 0) * keep + color[2] * alpha + 127) / 255;
}

/**
 * Adds uniform noise of +/- `amplitude` to each RGB channel of every pixel (alpha untouched) from a
 * PRNG seeded by `seed`. Each call with its own seed gives an independent pattern, which is what keeps
 * the piece and the background from sharing exact pixel values.
 *
 * @param only when given, noise goes only to pixels whose alpha is not 0 (the piece's shape).
 */
export function addNoise(data: Buffer, seed: number, amplitude: number, only?: 'opaque'): void {
  const next = mulberry32(seed);
  const span = 2 * amplitude + 1;
  for (let i = 0; i < data.length; i += 4) {
    if (only === 'opaque' && data[i + 3] === 0) continue;
    const bits = next();
    data[i] = clampByte((data[i] ?? 0) + ((bits & 0xff) % span) - amplitude);
    data[i + 1] = clampByte((data[i + 1] ?? 0) + (((bits >>> 8) & 0xff) % span) - amplitude);
    data[i + 2] = clampByte((data[i + 2] ?? 0) + (((bits >>> 16) & 0xff) % span) - amplitude);
  }
}

/**
 * Renders the procedural background picture (without any hole): a bilinear gradient between four random
 * corner colours, a dozen or so random translucent discs, rings and rectangles, and per-channel texture
 * noise, so there are no flat areas for edge detection to key on. Every colour comes from `random`
 * (the texture from a fast PRNG seeded by one draw of `random`), so a deterministic `random` gives a
 * deterministic picture. Exported for tests, which compare the jigsaw piece against this unholed picture.
 *
 * @returns an RGBA image of `PUZZLE.width` x `PUZZLE.height`, alpha 255 everywhere.
 */
export function renderBackground(random: RandomSource = secureRandom): PNG {
  const { width, height } = PUZZLE;
  const png = new PNG({ width, height });
  const data = png.data;

  // 1. Gradient between four random corners.
  const [tl, tr, bl, br] = [drawColor(random), drawColor(random), drawColor(random), drawColor(random)];
  for (let y = 0; y < height; y++) {
    const v = y / (height - 1);
    const left = mix(tl, bl, v);
    const right = mix(tr, br, v);
    for (let x = 0; x < width; x++) {
      const [r, g, b] = mix(left, right, x / (width - 1));
      const i = (y * width + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }

  // 2. Random translucent shapes.
  const shapes = draw(random, 10, 17);
  for (let s = 0; s < shapes; s++) {
    const kind = draw(random, 0, 3);
    const color = drawColor(random);
    const alpha = draw(random, 90, 221);
    const cx = draw(random, 0, width);
    const cy = draw(random, 0, height);
    if (kind === 2) {
      const halfW = draw(random, 5, 41);
      const halfH = draw(random, 5, 31);
      for (let y = Math.max(0, cy - halfH); y < Math.min(height, cy + halfH); y++) {
        for (let x = Math.max(0, cx - halfW); x < Math.min(width, cx + halfW); x++) {
          blend(data, (y * width + x) * 4, color, alpha);
        }
      }
    } else {
      const radius = draw(random, 8, 41);
      // kind 0 is a filled disc, kind 1 a ring of the given thickness.
      const inner = kind === 0 ? -1 : radius - draw(random, 3, 9);
      const outerSq = radius * radius;
      const innerSq = inner < 0 ? -1 : inner * inner;
      for (let y = Math.max(0, cy - radius); y <= Math.min(height - 1, cy + radius); y++) {
        for (let x = Math.max(0, cx - radius); x <= Math.min(width - 1, cx + radius); x++) {
          const d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
          if (d <= outerSq && d > innerSq) blend(data, (y * width + x) * 4, color, alpha);
        }
      }
    }
  }

  // 3. Texture of +/- 8 per channel (enough to leave no flat areas, small enough to keep the PNG compact).
  addNoise(data, draw(random, 0, 2 ** 32), 8);
  return png;
}
