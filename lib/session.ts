// Login state for the dialects that have one (Fresns, seed 001): a tenant-signed HS256 session token.
import { errors, jwtVerify } from 'jose';
import type { Tenant } from './tenants/schema.ts';

/** The login headers as a client sends them (`aid`, `uid`, `token`); any may be absent. */
export interface SessionHeaders {
  aid?: string;
  uid?: string;
  token?: string;
}

/** A verified login: the account id (and user id, when the client named one) the token vouches for. */
export interface Session {
  aid: string;
  uid?: string;
  /** When the token stops being valid, in ms since the epoch. */
  expiresAt: number;
}

/** Longer tokens are refused before any parsing, so a huge header costs nothing. */
const MAX_TOKEN_LENGTH = 4096;
const MAX_ID_LENGTH = 128;

/** A claim as the string a header would carry: strings as they are, integers in decimal; else undefined. */
function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // Number.isSafeInteger is false for anything that is not a number.
  if (Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * Verifies the login headers against the tenant's session-token secret. Logged in means: the `token`
 * is a JWS with `alg` HS256 (no other algorithm is accepted, so `none` and key-confusion tricks fail)
 * signed with the tenant's secret, it carries `exp` and has not expired (nor is it before `nbf`), and
 * its `aid` claim equals the `aid` header, as does its `uid` claim when a `uid` header is given.
 * Anything else — no secret configured, a missing header, a malformed token — is `undefined`, never
 * a thrown error.
 */
export async function verifySession(
  tenant: Tenant,
  headers: SessionHeaders,
  now: Date = new Date(),
): Promise<Session | undefined> {
  const secret = tenant.sessionTokenSecret;
  const { token } = headers;
  const aid = headers.aid?.trim();
  const uid = headers.uid?.trim() || undefined;
  if (!secret || !token || !aid) return undefined;
  if (token.length > MAX_TOKEN_LENGTH || aid.length > MAX_ID_LENGTH || (uid?.length ?? 0) > MAX_ID_LENGTH) {
    return undefined;
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token.trim(), new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: now,
    }));
  } catch (error) {
    // Every rejection jose can give is a plain "not logged in"; anything else is a bug worth surfacing.
    if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
    throw error;
  }
  if (claimText(payload.aid) !== aid) return undefined;
  if (uid !== undefined && claimText(payload.uid) !== uid) return undefined;
  // `requiredClaims` made jose refuse a token without `exp` or with a non-numeric one.
  return { aid, ...(uid !== undefined ? { uid } : {}), expiresAt: Number(payload.exp) * 1000 };
}
