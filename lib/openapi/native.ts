// OpenAPI document: what the native API's operations share — example values, the common errors, the
// Origin header. The operations are in native-send.ts, native-check.ts and native-status.ts.
import type { ParameterSpec } from './operation.ts';

export const EXAMPLE_ID = 'vf_e08Q2FsbSBkb3duLCB0aGlzIGlzIGFuIGV4YW1wbGUgaWQ.9f3c2a71d04b6e58';
export const EXPIRES = '2026-12-01T17:10:00.000Z';
export const GRANT = 'rAnd0mGrAntT0kenFr0mTheMa1ledL1nkAbcdefgh12';

export const UNAUTHORIZED = {
  summary: 'No API key',
  status: 401,
  response: { error: { code: 'unauthorized', message: 'A valid API key is required.' } },
};
export const AUTH_ERRORS = { unauthorized: 'no, malformed or unknown API key, or a disabled tenant.' };
export const BUSY = { unavailable: 'DynamoDB or another dependency is throttled or failing; retry later.' };
export const ORIGIN = {
  origin_not_allowed:
    "an `Origin` header (browsers send one) that is not among the tenant's allowed origins, or " +
    '`Sec-Fetch-Site: cross-site` without one.',
};
export const BODY_PROBLEMS =
  'malformed JSON, a body over 16 KB, a missing field, a value out of its schema, or an unknown field ' +
  '(the schemas are strict; the message names the field). String fields are trimmed before their ' +
  'length is checked.';

export const ORIGIN_HEADER: ParameterSpec = {
  name: 'Origin',
  in: 'header',
  required: false,
  description:
    "Sent by browsers, not by servers. When present it must be one of the tenant's `allowedOrigins` " +
    '(403 `origin_not_allowed` otherwise).',
  schema: { type: 'string' },
};
