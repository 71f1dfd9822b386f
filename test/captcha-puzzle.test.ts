// Tests for lib/captcha/puzzle.ts: the block-puzzle images (sizes, answer range, piece/background agreement).
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  cutPuzzle,
  drawPuzzle,
  PUZZLE,
  type Puzzle,
  type RandomSource,
  renderBackground,
} from '../lib/captcha/puzzle.ts';

/** A deterministic RandomSource (mulberry32) with the crypto.randomInt contract: integer in [min, max). */
function seeded(seed: number): RandomSource {
  let state = seed >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    return min + Math.floor(unit * (max - min));
  };
}

function decode(base64: string): PNG {
  return PNG.sync.read(Buffer.from(base64, 'base64'));
}

function rgbaAt(png: PNG, x: number, y: number): [number, number, number, number] {
  const i = (y * png.width + x) * 4;
  return [png.data[i] ?? -1, png.data[i + 1] ?? -1, png.data[i + 2] ?? -1, png.data[i + 3] ?? -1];
}

/** A puzzle together with the unholed background it was cut from. */
function cutWithSource(seed: number): { puzzle: Puzzle; source: PNG; background: PNG; piece: PNG } {
  const random = seeded(seed);
  const source = renderBackground(random);
  const puzzle = cutPuzzle(source, random);
  return {
    puzzle,
    source,
    background: decode(puzzle.originalImageBase64),
    piece: decode(puzzle.jigsawImageBase64),
  };
}

/** Counts the piece's opaque pixels that differ from the source background when placed at column `atX`. */
function mismatchesAt(piece: PNG, source: PNG, atX: number): { opaque: number; mismatches: number } {
  let opaque = 0;
  let mismatches = 0;
  for (let py = 0; py < piece.height; py++) {
    for (let px = 0; px < piece.width; px++) {
      const [r, g, b, a] = rgbaAt(piece, px, py);
      if (a === 0) continue;
      opaque++;
      const [sr, sg, sb] = rgbaAt(source, atX + px, py);
      if (a !== 255 || r !== sr || g !== sg || b !== sb) mismatches++;
    }
  }
  return { opaque, mismatches };
}

const SEEDS = [1, 2, 3, 42, 1234, 0xdeadbeef];

describe('block puzzle images', () => {
  it('has the documented AJ-Captcha sizes', () => {
    expect(PUZZLE).toEqual({ width: 310, height: 155, pieceWidth: 47, pieceHeight: 155 });
    const puzzle = drawPuzzle();
    const background = decode(puzzle.originalImageBase64);
    const piece = decode(puzzle.jigsawImageBase64);
    expect([background.width, background.height]).toEqual([310, 155]);
    expect([piece.width, piece.height]).toEqual([47, 155]);
    expect(puzzle.originalImageBase64).not.toMatch(/^data:/);
    expect(puzzle.jigsawImageBase64).not.toMatch(/^data:/);
  });

  it('keeps x within [100, width - pieceWidth - 10] and reports y = 5', () => {
    for (let i = 0; i < 50; i++) {
      const { x, y } = drawPuzzle();
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(100);
      expect(x).toBeLessThanOrEqual(PUZZLE.width - PUZZLE.pieceWidth - 10);
      expect(y).toBe(5);
    }
  });

  it('reaches both ends of the x range', () => {
    const pinnedMin: RandomSource = (min) => min;
    expect(drawPuzzle(pinnedMin).x).toBe(100);
    const pinnedMax: RandomSource = (_min, max) => max - 1;
    expect(drawPuzzle(pinnedMax).x).toBe(253);
  });

  it.each(SEEDS)('cuts the piece from the background at exactly x (seed %i)', (seed) => {
    const { puzzle, source, piece } = cutWithSource(seed);
    const { opaque, mismatches } = mismatchesAt(piece, source, puzzle.x);
    expect(mismatches).toBe(0);
    // The check is sensitive to the column: one pixel off, most opaque pixels disagree.
    for (const wrongX of [puzzle.x - 1, puzzle.x + 1, puzzle.x - 30]) {
      expect(mismatchesAt(piece, source, wrongX).mismatches).toBeGreaterThan(opaque / 2);
    }
  });

  it.each(SEEDS)('piece is opaque inside its shape and transparent elsewhere (seed %i)', (seed) => {
    const { piece } = cutWithSource(seed);
    let opaque = 0;
    let transparent = 0;
    let partial = 0;
    let top = piece.height;
    let bottom = -1;
    let left = piece.width;
    let right = -1;
    for (let py = 0; py < piece.height; py++) {
      for (let px = 0; px < piece.width; px++) {
        const alpha = rgbaAt(piece, px, py)[3];
        if (alpha !== 0 && alpha !== 255) partial++;
        if (alpha === 0) {
          transparent++;
          continue;
        }
        opaque++;
        top = Math.min(top, py);
        bottom = Math.max(bottom, py);
        left = Math.min(left, px);
        right = Math.max(right, px);
      }
    }
    expect(partial).toBe(0);
    expect(transparent).toBeGreaterThan(0);
    // The shape is a ~47x47 jigsaw piece inside a full-height 47x155 box: it fills well over 40% of its own
    // bounding box, which itself spans (nearly) the whole piece width.
    const boxArea = (bottom - top + 1) * (right - left + 1);
    expect(right - left + 1).toBeGreaterThanOrEqual(PUZZLE.pieceWidth - 2);
    expect(bottom - top + 1).toBeGreaterThanOrEqual(40);
    expect(opaque).toBeGreaterThan(0.4 * boxArea);
    expect(opaque).toBeGreaterThan(1200);
  });

  it.each(SEEDS)('marks the hole only where the piece was cut (seed %i)', (seed) => {
    const { puzzle, source, background, piece } = cutWithSource(seed);
    let darkened = 0;
    let outlined = 0;
    const wrong: string[] = [];
    for (let y = 0; y < PUZZLE.height; y++) {
      for (let x = 0; x < PUZZLE.width; x++) {
        const [r, g, b, a] = rgbaAt(background, x, y);
        const original = rgbaAt(source, x, y);
        if (a !== 255) wrong.push(`(${x}, ${y}) is not opaque`);
        const inPiece =
          x >= puzzle.x && x < puzzle.x + PUZZLE.pieceWidth && rgbaAt(piece, x - puzzle.x, y)[3] === 255;
        if (!inPiece) {
          if (r !== original[0] || g !== original[1] || b !== original[2]) wrong.push(`(${x}, ${y}) changed`);
          continue;
        }
        // Inside the hole each channel is either halved (interior) or pushed towards white (outline).
        const halved = [original[0] >> 1, original[1] >> 1, original[2] >> 1];
        const light = [(original[0] + 765) >> 2, (original[1] + 765) >> 2, (original[2] + 765) >> 2];
        if (r === halved[0] && g === halved[1] && b === halved[2]) darkened++;
        else if (r === light[0] && g === light[1] && b === light[2]) outlined++;
        else wrong.push(`hole pixel (${x}, ${y}) is neither darkened nor outlined`);
      }
    }
    expect(wrong).toEqual([]);
    expect(darkened).toBeGreaterThan(outlined);
    expect(outlined).toBeGreaterThan(100);
  });

  it('does not modify the background it cuts from', () => {
    const random = seeded(9);
    const source = renderBackground(random);
    const before = Buffer.from(source.data);
    cutPuzzle(source, random);
    expect(source.data.equals(before)).toBe(true);
  });

  it('draws a textured, opaque background', () => {
    const source = renderBackground(seeded(5));
    const colours = new Set<number>();
    let translucent = 0;
    for (let y = 0; y < source.height; y++) {
      for (let x = 0; x < source.width; x++) {
        const [r, g, b, a] = rgbaAt(source, x, y);
        if (a !== 255) translucent++;
        colours.add((r << 16) | (g << 8) | b);
      }
    }
    expect(translucent).toBe(0);
    expect(colours.size).toBeGreaterThan(5000);
  });

  it('is deterministic for a deterministic random source', () => {
    expect(drawPuzzle(seeded(77))).toEqual(drawPuzzle(seeded(77)));
    expect(drawPuzzle(seeded(77))).not.toEqual(drawPuzzle(seeded(78)));
  });

  it('drawPuzzle is renderBackground followed by cutPuzzle on the same source', () => {
    const random = seeded(31);
    expect(drawPuzzle(seeded(31))).toEqual(cutPuzzle(renderBackground(random), random));
  });

  it('varies between default (crypto) draws', () => {
    const puzzles = Array.from({ length: 20 }, () => drawPuzzle());
    expect(new Set(puzzles.map((p) => p.originalImageBase64)).size).toBe(20);
    expect(new Set(puzzles.map((p) => p.jigsawImageBase64)).size).toBe(20);
    expect(new Set(puzzles.map((p) => p.x)).size).toBeGreaterThan(1);
  });

  it('rejects a random source that breaks the [min, max) contract', () => {
    expect(() => drawPuzzle((_min, max) => max)).toThrow(RangeError);
    expect(() => drawPuzzle(() => 0.5)).toThrow(RangeError);
    expect(() => cutPuzzle(new PNG({ width: 10, height: 10 }))).toThrow(RangeError);
  });
});
