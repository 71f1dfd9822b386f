// Client IP literals: one spelling per address, so that the per-IP limit cannot be split by writing an
// address another way. Kept apart from lib/address.ts so that parsers (and the OpenAPI generator, which
// loads them) need no phone metadata to read an IP.
import { isIP } from 'node:net';

/**
 * An IPv4 or IPv6 literal in one spelling per address (dotted quad; IPv6 lower-case and compressed as
 * RFC 5952 writes it; an IPv4-mapped IPv6 as its IPv4), so two spellings of one client cannot count
 * apart. Undefined for anything else, a zone index (`fe80::1%eth0`) and surrounding blanks included.
 */
export function parseIp(raw: string): string | undefined {
  const version = isIP(raw);
  if (version === 4) return raw;
  if (version !== 6 || raw.includes('%')) return undefined;
  const compressed = new URL(`http://[${raw}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const [high, low] = [Number.parseInt(mapped[1] ?? '0', 16), Number.parseInt(mapped[2] ?? '0', 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * What a per-client-IP limit counts an address as: an IPv4 address itself, an IPv6 address by its /64 prefix.
 * One IPv6 subscriber (a home, a phone, a cloud instance) is routinely given a whole /64 — 2^64 addresses — so
 * counting single IPv6 addresses would let one client rotate through limits for free (RFC 6177, RFC 7934).
 * Anything that is not an IP literal is counted as given.
 */
export function limitKeyOfIp(ip: string): string {
  const parsed = parseIp(ip);
  if (parsed === undefined) return ip;
  if (!parsed.includes(':')) return parsed;
  // Expand `::` to its zero groups, keep the first four 16-bit groups.
  const [head = '', tail] = parsed.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).join(':')}::/64`;
}
