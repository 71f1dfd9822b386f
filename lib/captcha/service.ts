// Use case: the slider captcha (AJ-Captcha "blockPuzzle" rules) that guards the EIAM send endpoints:
// issue a challenge (at most so many per client IP), verify the one attempt at it, and redeem the pass it
// earns once before a send.

import { keyedHash, randomHex } from '../crypto.ts';
import type { Channel } from '../domain/vocabulary.ts';
import type { Clock } from '../engine/engine.ts';
import { limitKeyOfIp } from '../ip.ts';
import type { CaptchaStore } from '../store/captcha-store.ts';
import type { Puzzle } from './puzzle.ts';

/** The rules, with AJ-Captcha's defaults. */
export const CAPTCHA_RULES = {
  /** How long a challenge can be answered. */
  challengeSeconds: 120,
  /** How long a captcha_token can be redeemed after its verify. */
  passSeconds: 180,
  /**
   * Accepted horizontal distance between the answer and the true x (inclusive). AJ-Captcha accepts 5; 2 keeps
   * a blind guess to 5 of the 204 possible answers (~2.5%) while a drag within 2 px of the hole, what a
   * person lands on nearly every time (docs/dialects/eiam.md), still passes.
   */
  slipOffset: 2,
} as const;

/**
 * Whether a point answers a challenge: |x - answer| <= {@link CAPTCHA_RULES.slipOffset} and y equal to the
 * piece's y (AJ-Captcha's two checks). The verify applies it after taking the answer.
 */
export function pointPasses(point: { x: number; y: number }, answer: { x: number; y: number }): boolean {
  return Math.abs(point.x - answer.x) <= CAPTCHA_RULES.slipOffset && point.y === answer.y;
}

/** The normalized address a captcha is verified for: lower-cased email or E.164 phone. */
export interface CaptchaSender {
  channel: Channel;
  key: string;
}

/** A fresh challenge for the client; the answer x stays in the store. */
export interface IssuedChallenge {
  token: string;
  originalImageBase64: string;
  jigsawImageBase64: string;
  /** The piece's y (5: the jigsaw image is full height). */
  y: number;
}

/** Who asks for a challenge, and how many one client IP may have per window (the tenant's setting). */
export interface IssueRequest {
  tenantId: string;
  /** The connection's address (API Gateway's sourceIp); stored only inside a keyed hash. */
  clientIp: string;
  perIp: { limit: number; windowSeconds: number };
}

/** A challenge, or the refusal of the per-IP issuing limit with the seconds until its window resets. */
export type IssueResult =
  | { issued: true; challenge: IssuedChallenge }
  | { issued: false; retryAfterSeconds: number };

/** What the local runtime's captcha help shows for one token (see {@link CaptchaService.answerOf}). */
export interface ChallengeAnswer {
  tenant: string;
  state: 'open' | 'used' | 'expired';
  /** The answer and the piece's y; absent once the attempt has consumed them. */
  x?: number;
  y?: number;
  /** The point_json that passes, as a client sends it (present with x). */
  pointJson?: string;
  expiresAt: string;
}

export type VerifyResult =
  | { passed: true; captchaToken: string }
  | { passed: false; reason: 'mismatch' | 'unknown' | 'used' | 'expired' }
  /** The client IP's failed answers reached `failuresPerIp`: nothing compared, the challenge left as it was. */
  | { passed: false; reason: 'locked'; retryAfterSeconds: number };

export interface CaptchaPorts {
  store: CaptchaStore;
  /** The same moveable clock the engine uses. */
  clock: Clock;
  /** Deployment secret: pass tokens and senders are stored only as keyed hashes. */
  pepper: Buffer;
  /** Draws the puzzle: `drawPuzzle` from `./puzzle.ts`, loaded only by the function that issues challenges. */
  draw: () => Puzzle | Promise<Puzzle>;
  /** Called with token-free facts only. */
  log?: (message: string, facts: Record<string, unknown>) => void;
}

/** Builds the captcha service over its ports. */
export function createCaptchaService(ports: CaptchaPorts) {
  const { store, clock, pepper } = ports;

  // A captcha_token is the challenge token plus a guessable point: neither is stored, only keyed hashes.
  const challengeKey = (tenantId: string, token: string) =>
    keyedHash(pepper, 'captcha-challenge', tenantId, token);
  // An IPv6 client counts by its /64 (lib/ip.ts), as for the send limits.
  const ipKey = (tenantId: string, clientIp: string) =>
    keyedHash(pepper, 'captcha-ip', tenantId, limitKeyOfIp(clientIp));
  const issuerKey = (tenantId: string, clientIp: string) =>
    `captcha#${tenantId}#${ipKey(tenantId, clientIp)}`;
  const verifierKey = (tenantId: string, clientIp: string) =>
    `captcha-verify#${tenantId}#${ipKey(tenantId, clientIp)}`;
  const passKey = (tenantId: string, captchaToken: string) =>
    keyedHash(pepper, 'captcha-pass', tenantId, captchaToken);
  const senderKey = (tenantId: string, sender: CaptchaSender) =>
    keyedHash(pepper, 'captcha-sender', tenantId, sender.channel, sender.key);

  /**
   * Counts the issue against the client IP's window first (one conditional write; a refused request draws
   * nothing), then draws a new puzzle and keeps its answer for {@link CAPTCHA_RULES.challengeSeconds}.
   */
  async function issue(request: IssueRequest): Promise<IssueResult> {
    const { tenantId } = request;
    const now = clock.now();
    const counted = await store.countIssue(
      { key: issuerKey(tenantId, request.clientIp), ...request.perIp },
      now,
    );
    if (!counted.admitted) {
      ports.log?.('captcha issue refused', {
        tenant: tenantId,
        retryAfterSeconds: counted.retryAfterSeconds,
      });
      return { issued: false, retryAfterSeconds: counted.retryAfterSeconds };
    }
    const puzzle = await ports.draw();
    const token = randomHex(16);
    await store.putChallenge({
      tenantId,
      key: challengeKey(tenantId, token),
      x: puzzle.x,
      y: puzzle.y,
      until: now + CAPTCHA_RULES.challengeSeconds * 1000,
    });
    const challenge = {
      token,
      originalImageBase64: puzzle.originalImageBase64,
      jigsawImageBase64: puzzle.jigsawImageBase64,
      y: puzzle.y,
    };
    return { issued: true, challenge };
  }

  /**
   * The single attempt at a challenge: the answer is consumed first (one conditional write), then compared.
   * Passes when |x - answer| <= slipOffset and y equals the piece's y (as AJ-Captcha checks). On a pass,
   * `captchaToken` is `token + "---" + pointJson` (AJ-Captcha with secretKey null), bound to `sender`.
   *
   * @param pointJson the client's point JSON exactly as sent; it becomes part of the captcha_token.
   */
  async function verify(input: {
    tenantId: string;
    token: string;
    pointJson: string;
    point: { x: number; y: number };
    sender: CaptchaSender;
    /** The connection's address and the tenant's `failuresPerIp`: a unit is taken before the answer is compared. */
    clientIp: string;
    failuresPerIp: { limit: number; windowSeconds: number };
  }): Promise<VerifyResult> {
    const now = clock.now();
    const units = { key: verifierKey(input.tenantId, input.clientIp), ...input.failuresPerIp };
    const unit = await store.takeVerifyUnit(units, now);
    if (!unit.admitted) {
      ports.log?.('captcha verify locked', {
        tenant: input.tenantId,
        retryAfterSeconds: unit.retryAfterSeconds,
      });
      return { passed: false, reason: 'locked', retryAfterSeconds: unit.retryAfterSeconds };
    }
    const taken = await store.takeChallenge({
      tenantId: input.tenantId,
      key: challengeKey(input.tenantId, input.token),
      now,
    });
    if (taken.outcome !== 'taken') {
      ports.log?.('captcha refused', { tenant: input.tenantId, outcome: taken.outcome });
      return { passed: false, reason: taken.outcome };
    }
    const passed = pointPasses(input.point, taken);
    ports.log?.('captcha checked', { tenant: input.tenantId, passed });
    if (!passed) return { passed: false, reason: 'mismatch' };
    // A pass gives its unit back: only failed answers (and unknown, used or expired tokens) use the allowance up.
    await store.returnVerifyUnit(units, now);
    const captchaToken = `${input.token}---${input.pointJson}`;
    await store.putPass({
      tenantId: input.tenantId,
      passKey: passKey(input.tenantId, captchaToken),
      senderKey: senderKey(input.tenantId, input.sender),
      until: now + CAPTCHA_RULES.passSeconds * 1000,
    });
    return { passed: true, captchaToken };
  }

  /**
   * Redeems a captcha_token for a send to `sender`: once, within {@link CAPTCHA_RULES.passSeconds} of its
   * verify, and only for the tenant and sender it was verified for.
   */
  async function redeem(input: { tenantId: string; captchaToken: string; sender: CaptchaSender }) {
    const outcome = await store.redeemPass({
      tenantId: input.tenantId,
      passKey: passKey(input.tenantId, input.captchaToken),
      senderKey: senderKey(input.tenantId, input.sender),
      now: clock.now(),
    });
    ports.log?.('captcha pass redeemed', { tenant: input.tenantId, outcome });
    return outcome;
  }

  /**
   * The stored answer of the challenge the tenant issued with `token`, read through its keyed hash. Local
   * runtime only (`GET /_local/captcha/{token}`): no deployed function serves it. Undefined for a token
   * this tenant did not issue.
   */
  async function answerOf(tenantId: string, token: string): Promise<ChallengeAnswer | undefined> {
    if (!/^[0-9a-f]{32}$/.test(token)) return undefined;
    const stored = await store.readChallenge(challengeKey(tenantId, token));
    if (!stored || stored.tenantId !== tenantId) return undefined;
    const state = stored.x === undefined ? 'used' : stored.until <= clock.now() ? 'expired' : 'open';
    const point =
      stored.x === undefined
        ? {}
        : {
            x: stored.x,
            y: stored.y,
            pointJson: `{"x":${stored.x.toFixed(1)},"y":${(stored.y ?? 5).toFixed(1)}}`,
          };
    return { tenant: stored.tenantId, state, ...point, expiresAt: new Date(stored.until).toISOString() };
  }

  return { issue, verify, redeem, answerOf };
}

export type CaptchaService = ReturnType<typeof createCaptchaService>;
