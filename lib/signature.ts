// Request signatures shared by signed dialects (seed 002 first): digest, constant-time check, clock window, nonce key.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * `hex(SHA-256(parts joined with no separator))`, lowercase. Because nothing separates the parts, the
 * caller must hold every part to a strict format first (fixed lengths, disjoint alphabets), or characters
 * could move from one field into its neighbour without changing the digest.
 */
export function concatSha256Hex(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part, 'utf8');
  return hash.digest('hex');
}

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * Whether `given` is the hex SHA-256 of the concatenated parts. Hex case is ignored (both sides are
 * decoded to 32 bytes) and the bytes are compared in constant time, so the answer leaks no prefix.
 */
export function verifyConcatSha256(parts: readonly string[], given: string): boolean {
  if (!HEX_DIGEST.test(given)) return false;
  const expected = Buffer.from(concatSha256Hex(parts), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** Where a request's timestamp sits relative to the server clock. */
export type TimestampVerdict = 'fresh' | 'stale' | 'ahead';

/** `fresh` when `|now − ts| ≤ windowMs` (both bounds inclusive); a clock can be wrong either way. */
export function timestampVerdict(timestampMs: number, nowMs: number, windowMs: number): TimestampVerdict {
  if (timestampMs < nowMs - windowMs) return 'stale';
  if (timestampMs > nowMs + windowMs) return 'ahead';
  return 'fresh';
}

/** Why a signed request was refused, for the dialect to name in its own terms. */
export type SignatureRefusal = 'stale' | 'ahead' | 'mismatch';

export interface SignedRequest {
  /** The signed fields in signing order, secret last; each already checked against its strict format. */
  parts: readonly string[];
  /** The signature as sent (hex, any case). */
  signature: string;
  /** The request's own timestamp (ms since the epoch), itself one of `parts`. */
  timestampMs: number;
}

/**
 * Checks a signed request's clock window and then its digest. Returns undefined when it may proceed, or
 * the reason it may not. Pure: consuming the nonce is the caller's conditional write (see `replayKey`).
 */
export function verifySignedRequest(
  request: SignedRequest,
  nowMs: number,
  windowMs: number,
): SignatureRefusal | undefined {
  const verdict = timestampVerdict(request.timestampMs, nowMs, windowMs);
  if (verdict !== 'fresh') return verdict;
  return verifyConcatSha256(request.parts, request.signature) ? undefined : 'mismatch';
}

/**
 * The replay key of a signed request: `sig#<tenantId>#<nonce>`, kept until every timestamp that could
 * still pass the window has aged out. A request accepted at `now` carries a timestamp of at least
 * `now − window`, which passes until `now + 2·window`; one more minute absorbs clock skew between
 * containers.
 */
export function replayKey(tenantId: string, nonce: string, nowMs: number, windowMs: number) {
  return { key: `sig#${tenantId}#${nonce}`, until: nowMs + 2 * windowMs + 60_000 };
}
