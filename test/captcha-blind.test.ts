// Issue 20 item 5: what a blind answer and a human-like drag get from the EIAM slider, measured over 1,000
// challenges of the real generator (drawPuzzle with crypto.randomInt) against the rule the verify applies
// (pointPasses), and tied to the verify itself on DynamoDB Local.
//
// Human-like drag (docs/dialects/eiam.md, "What the captcha is worth"): the person releases the piece at the
// true x plus an error e ~ Normal(0, 1 px), on the whole pixel an AJ-Captcha client reports at the native
// 310 px width (round(e)), with the y the challenge gave. It passes when |round(e)| <= 2, i.e. |e| < 2.5:
// p = 98.76%. Over 1,000 challenges the count of passes is Binomial(1000, 0.9876): P(<= 949) ~ 1e-16.
//
// Blind guesser: the same x (151, mid-range) and the challenge's y every time. The answer is uniform over the
// 204 values [50, 253]; any fixed x in [52, 251] passes for 5 of them: p = 5/204 = 2.45%. The bound asserted
// is 50 of 1,000: P(Binomial(1000, 0.0245) >= 51) = 1.4e-6. Per answer it cannot be 1% (the issue's target):
// behind one address it is, because the verify counts failed answers per client IP (`failuresPerIp`, the last
// test: at most ~10 compared per 10-minute window, so ~0.5 expected passes of 1,000 and the bound is 10).
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ANSWER_X, drawPuzzle, type Puzzle } from '../lib/captcha/puzzle.ts';
import { CAPTCHA_RULES, createCaptchaService, pointPasses } from '../lib/captcha/service.ts';
import { CaptchaStore } from '../lib/store/captcha-store.ts';
import { captchaSchema } from '../lib/tenants/schema-dialects.ts';
import { freshTable } from './helpers/table.ts';

const CHALLENGES = 1000;
const BLIND_X = 151;

/** A standard normal deviate (Box-Muller over crypto.randomInt, 2^-48 resolution). */
function normal(): number {
  const unit = () => (randomInt(1, 2 ** 48) as number) / 2 ** 48;
  return Math.sqrt(-2 * Math.log(unit())) * Math.cos(2 * Math.PI * unit());
}

/** Where a person releases the piece: the true x plus Normal(0, 1 px), on a whole pixel. */
const humanDrag = (puzzle: { x: number; y: number }) => ({ x: puzzle.x + Math.round(normal()), y: puzzle.y });
const blindGuess = (puzzle: { y: number }) => ({ x: BLIND_X, y: puzzle.y });

describe('EIAM slider: blind answers against human-like drags', () => {
  it('over 1,000 real challenges a blind fixed x passes at most 5% of the time and a human-like drag at least 95%', () => {
    const answers: Pick<Puzzle, 'x' | 'y'>[] = [];
    for (let i = 0; i < CHALLENGES; i++) {
      const { x, y } = drawPuzzle();
      answers.push({ x, y });
    }
    const blind = answers.filter((answer) => pointPasses(blindGuess(answer), answer)).length;
    const human = answers.filter((answer) => pointPasses(humanDrag(answer), answer)).length;
    // Measured when written (three runs): blind 21, 24, 36 and human 988, 981, 986 of 1,000.
    expect(blind).toBeLessThanOrEqual(50);
    expect(human).toBeGreaterThanOrEqual(950);
    // The answer range really is [50, 253], with both ends in reach (5 of 204 is what the bound assumes).
    const xs = answers.map((answer) => answer.x);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...xs)).toBeLessThanOrEqual(253);
    expect(new Set(xs).size).toBeGreaterThan(180); // ~200 of the 204 values show up in 1,000 draws
  }, 180_000);

  it('the tolerance is 2 px: 2 off passes, 2.1 off or a y other than the piece’s fails', () => {
    const answer = { x: 120, y: 5 };
    expect(CAPTCHA_RULES.slipOffset).toBe(2);
    for (const x of [118, 119.5, 120, 121.9, 122])
      expect(pointPasses({ x, y: 5 }, answer), `x ${x}`).toBe(true);
    for (const x of [117.9, 122.1, 125, 115]) expect(pointPasses({ x, y: 5 }, answer), `x ${x}`).toBe(false);
    expect(pointPasses({ x: 120, y: 6 }, answer)).toBe(false);
  });

  it('the verify on DynamoDB Local decides each attempt as pointPasses does (blind and human-like, one attempt per challenge)', async () => {
    const { db, tableName } = await freshTable();
    let now = Date.parse('2026-12-01T12:00:00Z');
    const captcha = createCaptchaService({
      store: new CaptchaStore(db, tableName),
      clock: { now: () => now },
      pepper: Buffer.from('captcha-blind-test-pepper-0123456789abcdef'),
      draw: drawPuzzle,
    });
    const perIp = { limit: 1000, windowSeconds: 600 };
    const outcomes: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      now += 1000;
      const issued = await captcha.issue({ tenantId: 'demo', clientIp: '10.0.0.1', perIp });
      if (!issued.issued) throw new Error('issue refused');
      const { token, y } = issued.challenge;
      const stored = await captcha.answerOf('demo', token);
      const answer = { x: Number(stored?.x), y };
      // Alternate the two callers; near-misses too, so both outcomes occur.
      const point =
        i % 4 === 0 ? blindGuess(answer) : i % 4 === 1 ? { x: answer.x + 3, y } : humanDrag(answer);
      const result = await captcha.verify({
        tenantId: 'demo',
        token,
        pointJson: JSON.stringify(point),
        point,
        sender: { channel: 'email', key: 'blind@example.com' },
        clientIp: '10.0.0.1',
        failuresPerIp: { limit: 1000, windowSeconds: 600 },
      });
      expect(result.passed, `attempt ${i}`).toBe(pointPasses(point, answer));
      outcomes.push(result.passed);
    }
    // Both outcomes occurred: the 3-px near-misses fail, the human-like drags mostly pass.
    expect(outcomes.filter(Boolean).length).toBeGreaterThan(10);
    expect(outcomes.filter((passed) => !passed).length).toBeGreaterThanOrEqual(10);
    db.destroy();
  });

  it('behind one address, a blind guesser gets at most 1% of 1,000 challenges through the verify: failed answers use up its allowance (the default failuresPerIp)', async () => {
    const { db, tableName } = await freshTable();
    let now = Date.parse('2026-12-01T12:00:00Z');
    const captcha = createCaptchaService({
      store: new CaptchaStore(db, tableName),
      clock: { now: () => now },
      pepper: Buffer.from('captcha-blind-test-pepper-0123456789abcdef'),
      // The answer as drawPuzzle draws it (its range is asserted above); the pictures do not matter to a blind guess.
      draw: () => ({
        x: randomInt(ANSWER_X.min, ANSWER_X.max + 1),
        y: 5,
        originalImageBase64: '',
        jigsawImageBase64: '',
        decoys: [],
      }),
    });
    const { failuresPerIp } = captchaSchema.parse(undefined);
    expect(failuresPerIp).toEqual({ limit: 10, windowSeconds: 600 });
    const perIp = { limit: CHALLENGES, windowSeconds: 600 };
    let passed = 0;
    let locked = 0;
    // One challenge a second for 1,000 s: the guesser's allowance resets once or twice meanwhile.
    for (let i = 0; i < CHALLENGES; i++) {
      now += 1000;
      const issued = await captcha.issue({ tenantId: 'demo', clientIp: '198.51.100.7', perIp });
      if (!issued.issued) throw new Error('issue refused');
      const point = { x: BLIND_X, y: issued.challenge.y };
      const result = await captcha.verify({
        tenantId: 'demo',
        token: issued.challenge.token,
        pointJson: JSON.stringify(point),
        point,
        sender: { channel: 'email', key: 'blind@example.com' },
        clientIp: '198.51.100.7',
        failuresPerIp,
      });
      if (result.passed) passed++;
      else if (result.reason === 'locked') locked++;
    }
    // Each window compares at most 10 failed answers (plus the passes among them): ~2 windows x 10 x 2.45%.
    expect(passed).toBeLessThanOrEqual(CHALLENGES / 100);
    expect(locked).toBeGreaterThan(900);
    // Another address is not locked by the guesser's failures, and a pass gives its unit back.
    const issued = await captcha.issue({ tenantId: 'demo', clientIp: '203.0.113.9', perIp });
    if (!issued.issued) throw new Error('issue refused');
    const answer = await captcha.answerOf('demo', issued.challenge.token);
    const point = { x: Number(answer?.x), y: issued.challenge.y };
    const human = await captcha.verify({
      tenantId: 'demo',
      token: issued.challenge.token,
      pointJson: JSON.stringify(point),
      point,
      sender: { channel: 'email', key: 'human@example.com' },
      clientIp: '203.0.113.9',
      failuresPerIp,
    });
    expect(human.passed).toBe(true);
    db.destroy();
  }, 180_000);
});
