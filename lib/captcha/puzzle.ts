// Captcha image half, part two: cuts an AJ-Captcha blockPuzzle out of a background picture (./picture.ts)
// so that the images alone never give the answer away to an exact pixel comparison.
//
// What an attacker sees and why it does not match exactly:
// - the piece is the background's pixels with a light bevel on its edge plus its own per-challenge noise;
// - the whole background (holes included) gets independent per-challenge noise after the holes are drawn;
// - a hole is the original pulled towards a per-challenge dark shade by a per-challenge amount (not a
//   fixed `value >> 1`), its outline pulled towards a per-challenge light colour;
// - one or two decoy holes of the same shape sit elsewhere in the answer range, at another height, so a
//   "find the dark jigsaw shape" search without the piece's own rows finds several.
// A tolerant matcher (correlation over the piece's rows) still finds the real hole: see docs/dialects/eiam.md.
import { PNG } from 'pngjs';
import {
  addNoise,
  draw,
  drawColor,
  PUZZLE,
  type RandomSource,
  type Rgb,
  renderBackground,
  secureRandom,
} from './picture.ts';

export { PUZZLE, type RandomSource, renderBackground } from './picture.ts';

/**
 * The smallest answer x. AJ-Captcha keeps x >= 100; 50 still leaves the hole clear of the piece's starting
 * place (its box spans x 0-46) and widens the answer range to 204 values, which is what bounds a blind guess
 * (docs/dialects/eiam.md, "What the captcha is worth").
 */
const MIN_X = 50;
/** The largest answer x: the slot keeps a 10 px margin from the right edge of the background. */
const MAX_X = PUZZLE.width - PUZZLE.pieceWidth - 10;
/** The range the answer x is drawn from (inclusive). */
export const ANSWER_X = { min: MIN_X, max: MAX_X } as const;
/** The y AJ-Captcha reports for a full-height piece. */
const PIECE_Y = 5;

/** One block puzzle: the two images for the client and the hidden answer for the server. */
export interface Puzzle {
  /** background PNG with the hole (and decoys), base64 (no data: prefix) */
  originalImageBase64: string;
  /** the jigsaw piece PNG (pieceWidth x pieceHeight, transparent outside the piece shape), base64 */
  jigsawImageBase64: string;
  /** the hidden answer: left edge x of the piece in the background; never sent to the client */
  x: number;
  /** the piece's y as AJ-Captcha reports it: 5 (piece is full height) */
  y: number;
  /** where the decoy holes are (left edge x, top row of the shape); never sent, kept for tests */
  decoys: readonly Hole[];
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
/** The largest top row of the shape. */
const MAX_TOP = PUZZLE.pieceHeight - SHAPE_HEIGHT - SHAPE_MARGIN;

/** Decoys: how many at most, their horizontal gap from every other hole, their least vertical shift. */
const MAX_DECOYS = 2;
const DECOY_GAP = 3;
/** Far enough that a person sees the decoy does not line up with the piece (~45% of its height). */
const DECOY_SHIFT = 20;

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

/** Where a hole is: the left edge x of its piece box and the top row of its shape. */
export interface Hole {
  x: number;
  top: number;
}

/**
 * Places 1 to {@link MAX_DECOYS} decoys in the answer range, each clear of every other hole horizontally
 * (so a decoy never cuts into the real hole) and at least {@link DECOY_SHIFT} rows above or below the real
 * one (so a person sees that it does not line up with the piece).
 */
function placeDecoys(random: RandomSource, real: Hole): Hole[] {
  const holes = [real];
  const wanted = draw(random, 1, MAX_DECOYS + 1);
  const tops: number[] = [];
  for (let top = SHAPE_MARGIN; top <= MAX_TOP; top++) {
    if (Math.abs(top - real.top) >= DECOY_SHIFT) tops.push(top);
  }
  for (let n = 0; n < wanted; n++) {
    const free: number[] = [];
    for (let x = MIN_X; x <= MAX_X; x++) {
      if (holes.every((hole) => Math.abs(hole.x - x) >= PUZZLE.pieceWidth + DECOY_GAP)) free.push(x);
    }
    // The answer range always leaves room for one decoy; a second only when the first left room.
    if (free.length === 0) break;
    holes.push({
      x: free[draw(random, 0, free.length)] ?? MIN_X,
      top: tops[draw(random, 0, tops.length)] ?? 0,
    });
  }
  return holes.slice(1);
}

/** How this challenge draws its holes and piece; every field is drawn per challenge. */
interface Style {
  /** Share of the original kept inside a hole, in 1/256 (the rest is `shade`). */
  keep: number;
  shade: Rgb;
  /** Opacity of the outline colour over the original on a hole's edge, in 1/256. */
  outlineAlpha: number;
  outline: Rgb;
  /** Opacity of white over the piece's own edge (its bevel), in 1/256. */
  bevel: number;
  /** Noise amplitudes (+/- per channel) and seeds for the piece and for the whole background. */
  pieceNoise: number;
  backgroundNoise: number;
  pieceSeed: number;
  backgroundSeed: number;
}

function drawStyle(random: RandomSource): Style {
  return {
    keep: draw(random, 92, 154),
    shade: drawColor(random, 0, 56),
    outlineAlpha: draw(random, 140, 206),
    outline: drawColor(random, 200, 256),
    bevel: draw(random, 56, 100),
    pieceNoise: draw(random, 4, 8),
    backgroundNoise: draw(random, 3, 6),
    pieceSeed: draw(random, 0, 2 ** 32),
    backgroundSeed: draw(random, 0, 2 ** 32),
  };
}

/** `value` pulled towards `target` with `alpha`/256 of the target. */
const towards = (value: number, target: number, alpha: number) =>
  (value * (256 - alpha) + target * alpha + 128) >> 8;

/** Shades one hole into `out` (a copy of `source`): inside towards the shade, the edge towards the outline. */
function drawHole(out: Buffer, source: Buffer, hole: Hole, style: Style): void {
  const { width, pieceWidth, pieceHeight } = PUZZLE;
  const mask = pieceMask(hole.top);
  for (let py = hole.top; py < Math.min(pieceHeight, hole.top + SHAPE_HEIGHT); py++) {
    for (let px = 0; px < pieceWidth; px++) {
      const m = mask[py * pieceWidth + px];
      if (m === undefined || m === OUTSIDE) continue;
      const b = (py * width + hole.x + px) * 4;
      for (let c = 0; c < 3; c++) {
        const value = source[b + c] ?? 0;
        out[b + c] =
          m === EDGE
            ? towards(value, style.outline[c] ?? 255, style.outlineAlpha)
            : towards(value, style.shade[c] ?? 0, 256 - style.keep);
      }
    }
  }
}

/**
 * Cuts a puzzle out of `background` (as made by {@link renderBackground}; it is not modified): draws the
 * answer x uniformly in `[50, width - pieceWidth - 10]`, the shape's height, one or two decoys and the
 * per-challenge style from `random`; copies the background pixels inside the shape into the piece (alpha
 * 255; 0 outside) with a bevel on its edge and noise of its own; shades the real hole and the decoys into
 * a copy of the background, then adds independent noise to all of that copy.
 *
 * @throws RangeError if `background` is not `PUZZLE.width` x `PUZZLE.height`, or `random` breaks its contract.
 */
export function cutPuzzle(background: PNG, random: RandomSource = secureRandom): Puzzle {
  const { width, height, pieceWidth, pieceHeight } = PUZZLE;
  if (background.width !== width || background.height !== height) {
    throw new RangeError(`background must be ${width}x${height}`);
  }
  const real: Hole = { x: draw(random, MIN_X, MAX_X + 1), top: draw(random, SHAPE_MARGIN, MAX_TOP + 1) };
  const decoys = placeDecoys(random, real);
  const style = drawStyle(random);
  const source = background.data;

  const piece = new PNG({ width: pieceWidth, height: pieceHeight }); // zero-filled: transparent
  const cut = piece.data;
  const mask = pieceMask(real.top);
  for (let py = real.top; py < real.top + SHAPE_HEIGHT; py++) {
    for (let px = 0; px < pieceWidth; px++) {
      const m = mask[py * pieceWidth + px];
      if (m === undefined || m === OUTSIDE) continue;
      const p = (py * pieceWidth + px) * 4;
      const b = (py * width + real.x + px) * 4;
      for (let c = 0; c < 3; c++) {
        const value = source[b + c] ?? 0;
        cut[p + c] = m === EDGE ? towards(value, 255, style.bevel) : value;
      }
      cut[p + 3] = 255;
    }
  }
  addNoise(cut, style.pieceSeed, style.pieceNoise, 'opaque');

  const holed = new PNG({ width, height });
  source.copy(holed.data);
  for (const hole of [real, ...decoys]) drawHole(holed.data, source, hole, style);
  addNoise(holed.data, style.backgroundSeed, style.backgroundNoise);

  return {
    originalImageBase64: PNG.sync.write(holed, { colorType: 2 }).toString('base64'),
    jigsawImageBase64: PNG.sync.write(piece, { colorType: 6 }).toString('base64'),
    x: real.x,
    y: PIECE_Y,
    decoys,
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
