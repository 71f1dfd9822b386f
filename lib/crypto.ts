// Security primitives shared by the engine and the dialects: CSPRNG codes, keyed hashes, constant-time compares.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

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

/** The AES-256 key of one kind of sealed value: HMAC-SHA256(pepper, `seal|{purpose}`). */
const sealKey = (pepper: Buffer, purpose: string) =>
  createHmac('sha256', pepper).update(`seal|${purpose}`).digest();

/**
 * Seals `text` with AES-256-GCM under a key derived from the pepper and `purpose`, bound to `context` (the
 * additional authenticated data: a sealed value copied to another item does not open there). Returns
 * base64url of iv (12 bytes) | tag (16) | ciphertext. Each call draws a new iv.
 */
export function seal(pepper: Buffer, purpose: string, context: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(pepper, purpose), iv).setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Opens what {@link seal} sealed for the same pepper, purpose and context; throws if anything differs. */
export function unseal(pepper: Buffer, purpose: string, context: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(pepper, purpose), raw.subarray(0, 12)).setAAD(
    Buffer.from(context),
  );
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
