// Primary adapter plumbing: requests that come through the optional edge (`-c waf=true`: CloudFront + WAF in front of
// the HTTP API). With the edge secret configured, only a request carrying it is served, and its client IP and host
// are the viewer's, as CloudFront saw them; without it, nothing here runs.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseIp } from '../ip.ts';
import { readSecret } from '../pepper.ts';
import { type HttpRequest, type HttpResponse, json } from './request.ts';

/**
 * The headers the edge sets (lower-case, as `toHttpRequest` keys them). CloudFront adds `secret` as an origin custom
 * header (replacing any a viewer sent); the viewer-request function of infra/edge.ts overwrites `viewerIp`
 * (`event.viewer.ip`) and `viewerHost` (the viewer's `Host`) on every request, so a viewer cannot choose them.
 */
export const EDGE_HEADERS = {
  secret: 'x-codegate-edge',
  viewerIp: 'x-codegate-viewer-ip',
  viewerHost: 'x-codegate-viewer-host',
} as const;

/** The edge secret's shortest accepted length (infra/edge.ts generates 48 characters). */
export const EDGE_SECRET_MIN_LENGTH = 32;

/** The answer to a request that did not come through the edge: before any dialect code, no tenant lookup. */
export const EDGE_REFUSAL: HttpResponse = json(403, {
  error: 'forbidden',
  message: 'This API answers only through its edge URL (the EdgeUrl output of the stack).',
});

let edge: { arn: string; secret: Promise<Buffer> } | undefined;

/**
 * The edge secret of this container, read once (at cold start, in parallel with the runtime's pepper); undefined when
 * `EDGE_SECRET_ARN` is unset, which is every deployment without `-c waf=true` and the local runtime. The variable is
 * validated with the rest of the configuration (lib/config.ts) by the runtime built beside it.
 */
export function edgeSecret(arn = process.env.EDGE_SECRET_ARN): Promise<Buffer | undefined> {
  if (!arn) return Promise.resolve(undefined);
  if (edge?.arn !== arn) {
    const secret = readSecret({ name: 'edge', arn, minLength: EDGE_SECRET_MIN_LENGTH }).catch(
      (error: unknown) => {
        if (edge?.secret === secret) edge = undefined;
        throw error;
      },
    );
    edge = { arn, secret };
  }
  return edge.secret;
}

/** Constant-time equality of a presented header and the secret (both hashed first: equal lengths, no length leak). */
function sameSecret(presented: string, secret: Buffer): boolean {
  const digest = (value: Buffer | string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(Buffer.from(presented, 'utf8')), digest(secret));
}

/**
 * The request as the edge's viewer made it, or undefined when it did not come through the edge: no secret header or
 * a wrong one (a direct call to the execute-api URL), or without the viewer's IP and host (which the edge always
 * sets). The viewer's IP becomes `clientIp` (the per-IP counters count the viewer, not CloudFront) and its host the
 * `host` header (tenants by host); the secret header is dropped so no dialect code or log line sees it.
 */
export function throughEdge(request: HttpRequest, secret: Buffer): HttpRequest | undefined {
  const presented = request.headers[EDGE_HEADERS.secret];
  if (presented === undefined || !sameSecret(presented, secret)) return undefined;
  const clientIp = parseIp(request.headers[EDGE_HEADERS.viewerIp] ?? '');
  const host = request.headers[EDGE_HEADERS.viewerHost]?.trim().toLowerCase();
  if (clientIp === undefined || !host) return undefined;
  const headers: Record<string, string> = { ...request.headers, host };
  delete headers[EDGE_HEADERS.secret];
  return { ...request, headers, clientIp };
}
