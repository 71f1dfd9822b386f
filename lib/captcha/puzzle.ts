// Captcha image half (a secondary helper used by the captcha service): draws AJ-Captcha blockPuzzle images.
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

/** The smallest answer x (AJ-Captcha keeps x >= 100 so the piece never starts out over its own slot). */
const MIN_X = 100;
/** The largest answer x: the slot keeps a 10 px margin from the right edge of the background. */
const MAX_X = PUZZLE.width - PUZZLE.pieceWidth - 10;
/** The y AJ-Captcha reports for a full-height piece. */
const PIECE_Y = 5;

/**
 * A source of random integers with the contract of `crypto.randomInt(min, max)`: an integer in
 * `[min, max)` (max exclusive). The default everywhere is `crypto.randomInt`; tests pass a seeded one.
 */
export type RandomSource = (min: number, max: number) => number;

/** One block puzzle: the two images for the client and the hidden answer for the server. */
export interface Puzzle {
  /** background PNG with the hole, base64 (no data: prefix) */
  originalImageBase64: string;
  /** the jigsaw piece PNG (pieceWidth x pieceHeight, transparent outside the piece shape), base64 */
  jigsawImageBase64: string;
  /** the hidden answer: left edge x of the piece in the background; never sent to the client */
  x: number;
  /** the piece's y as AJ-Captcha reports it: 5 (piece is full height) */
  y: number;
}

const secureRandom: RandomSource = (min, max) => randomInt(min, max);

/** Draws from `random` and checks the result keeps the `[min, max)` integer contract. */
function draw(random: RandomSource, min: number, max: number): number {
  const value = random(min, max);
  if (!Number.isInteger(value) || value < min || value >= max) {
    throw new RangeError(`random source returned ${value}, outside the integer range [${min}, ${max})`);
  }
  return value;
}

type Rgb = [number, number, number];

function drawColor(random: RandomSource): Rgb {
  return [draw(random, 0, 256), draw(random, 0, 256), draw(random, 0, 256)];
}

/** mulberry32: a fast 32-bit PRNG, used only for per-pixel texture noise (never for the answer). */
function mulberry32(seed: number): () => number {
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

function clampByte(value: number): number {
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
 * Renders the procedural background picture (without the hole): a bilinear gradient between four random
 * corner colours, a dozen or so random translucent discs, rings and rectangles, and per-channel texture
 * noise, so there are no flat areas for edge detection to key on. Every colour comes from `random`
 * (the noise from a fast PRNG seeded by one draw of `random`), so a deterministic `random` gives a
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

  // 3. Per-channel texture noise of +/- 8 (enough to leave no flat areas, small enough to keep the PNG compact).
  const next = mulberry32(draw(random, 0, 2 ** 32));
  for (let i = 0; i < data.length; i += 4) {
    const bits = next();
    data[i] = clampByte((data[i] ?? 0) + ((bits & 0xff) % 17) - 8);
    data[i + 1] = clampByte((data[i + 1] ?? 0) + (((bits >>> 8) & 0xff) % 17) - 8);
    data[i + 2] = clampByte((data[i + 2] ?? 0) + (((bits >>> 16) & 0xff) % 17) - 8);
  }
  return png;
}

/** Piece shape, in piece-box coordinates: a square body with a round knob on its right and on its top. */
const BODY_LEFT = 1;
const BODY_SIZE = 37;
const KNOB_RADIUS = 7;
/** Rows above the body that the top knob reaches into. */
const KNOB_RISE = KNOB_RADIUS + 2;
/** Total height of the shape (top knob plus body). */
const SHAPE_HEIGHT = KNOB_RISE + BODY_SIZE;
/** Margin kept between the shape and the top/bottom edges of the background. */
const SHAPE_MARGIN = 4;

const OUTSIDE = 0;
const INSIDE = 1;
const EDGE = 2;

/**
 * The piece mask for a shape whose top (top of the knob) is at row `top`: one byte per pixel of the
 * `pieceWidth` x `pieceHeight` box, OUTSIDE, INSIDE or EDGE (inside, with a 4-neighbour outside).
 */
function pieceMask(top: number): Uint8Array {
  const { pieceWidth, pieceHeight } = PUZZLE;
  const bodyTop = top + KNOB_RISE;
  const bodyRight = BODY_LEFT + BODY_SIZE; // exclusive
  const bodyBottom = bodyTop + BODY_SIZE; // exclusive
  // Knob centres sit just past the body edges so each knob shows as a clear bump.
  const rightKnob = { x: bodyRight + 1, y: bodyTop + (BODY_SIZE >> 1) };
  const topKnob = { x: BODY_LEFT + (BODY_SIZE >> 1), y: bodyTop - 2 };
  const radiusSq = KNOB_RADIUS * KNOB_RADIUS;

  const inShape = (x: number, y: number): boolean =>
    (x >= BODY_LEFT && x < bodyRight && y >= bodyTop && y < bodyBottom) ||
    (x - rightKnob.x) ** 2 + (y - rightKnob.y) ** 2 <= radiusSq ||
    (x - topKnob.x) ** 2 + (y - topKnob.y) ** 2 <= radiusSq;

  const mask = new Uint8Array(pieceWidth * pieceHeight);
  for (let y = top; y < top + SHAPE_HEIGHT; y++) {
    for (let x = 0; x < pieceWidth; x++) {
      if (!inShape(x, y)) continue;
      const edge = !inShape(x - 1, y) || !inShape(x + 1, y) || !inShape(x, y - 1) || !inShape(x, y + 1);
      mask[y * pieceWidth + x] = edge ? EDGE : INSIDE;
    }
  }
  return mask;
}

/**
 * Cuts a puzzle out of `background` (as made by {@link renderBackground}; it is not modified): draws the
 * answer x uniformly in `[100, width - pieceWidth - 10]` and the shape's vertical place from `random`,
 * copies the background pixels inside the shape into the piece (alpha 255; alpha 0 outside the shape),
 * and marks the hole in a copy of the background: RGB halved inside the shape, a light outline on its edge.
 *
 * @throws RangeError if `background` is not `PUZZLE.width` x `PUZZLE.height`, or `random` breaks its contract.
 */
export function cutPuzzle(background: PNG, random: RandomSource = secureRandom): Puzzle {
  const { width, height, pieceWidth, pieceHeight } = PUZZLE;
  if (background.width !== width || background.height !== height) {
    throw new RangeError(`background must be ${width}x${height}`);
  }
  const x = draw(random, MIN_X, MAX_X + 1);
  const top = draw(random, SHAPE_MARGIN, pieceHeight - SHAPE_HEIGHT - SHAPE_MARGIN + 1);
  const mask = pieceMask(top);

  const source = background.data;
  const holed = new PNG({ width, height });
  source.copy(holed.data);
  const piece = new PNG({ width: pieceWidth, height: pieceHeight }); // zero-filled: transparent
  const out = holed.data;
  const cut = piece.data;

  for (let py = 0; py < pieceHeight; py++) {
    for (let px = 0; px < pieceWidth; px++) {
      const m = mask[py * pieceWidth + px];
      if (m === undefined || m === OUTSIDE) continue;
      const p = (py * pieceWidth + px) * 4;
      const b = (py * width + x + px) * 4;
      for (let c = 0; c < 3; c++) {
        const value = source[b + c] ?? 0;
        cut[p + c] = value;
        out[b + c] = m === EDGE ? (value + 3 * 255) >> 2 : value >> 1;
      }
      cut[p + 3] = 255;
    }
  }

  return {
    originalImageBase64: PNG.sync.write(holed, { colorType: 2 }).toString('base64'),
    jigsawImageBase64: PNG.sync.write(piece, { colorType: 6 }).toString('base64'),
    x,
    y: PIECE_Y,
  };
}

/**
 * Draws a fresh block puzzle: a new procedural background ({@link renderBackground}) with a piece cut out
 * of it ({@link cutPuzzle}), both from the same `random`. Keep `x` server side; send the two images.
 *
 * @param random integer source with the `crypto.randomInt(min, max)` contract (max exclusive); defaults to
 *   `crypto.randomInt`. Only tests should pass anything else.
 */
export function drawPuzzle(random: RandomSource = secureRandom): Puzzle {
  return cutPuzzle(renderBackground(random), random);
}
