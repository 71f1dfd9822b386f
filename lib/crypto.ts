// Security primitives shared by the engine and the dialects: CSPRNG codes, keyed hashes, constant-time compares.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * A numeric code of `length` digits drawn uniformly over the whole range with `crypto.randomInt`
 * (leading zeros kept), so every code is equally likely.
 */
export function randomCode(length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 10)
    throw new RangeError('code length must be 4-10');
  // randomInt's range is limited to 2^48, enough for 10 digits.
  return randomInt(0, 10 ** length)
    .toString()
    .padStart(length, '0');
}

/** `bytes` random bytes as lowercase hex (tokens, nonces, ids). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** `bytes` random bytes as base64url (link tokens). */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** HMAC-SHA256 of the parts joined by `|`, as base64url. The pepper never leaves the process. */
export function keyedHash(pepper: Buffer, ...parts: string[]): string {
  return createHmac('sha256', pepper).update(parts.join('|')).digest('base64url');
}

/** SHA-256 as lowercase hex. */
export function sha256Hex(input: string): string {
  return createHash('sha256').update(input).digest('hex');
}

/**
 * Constant-time equality of two strings. Unequal lengths return false at once: callers compare
 * fixed-length digests, so the length leaks nothing.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
