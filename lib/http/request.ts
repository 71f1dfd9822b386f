// Primary adapter plumbing: an API Gateway HTTP API (payload 2.0) event turned into one plain request.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Bodies above this are refused with the dialect's parameter error, before any parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

export type BodyProblem = 'too_large' | 'invalid_json' | 'unsupported';

export interface HttpRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  pathParameters: Record<string, string>;
  /** Parsed JSON value, or form fields; undefined when there is no body. */
  body: unknown;
  bodyProblem?: BodyProblem;
  clientIp: string;
  requestId: string;
}

export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

function parseBody(event: APIGatewayProxyEventV2, headers: Record<string, string>) {
  if (!event.body) return { body: undefined };
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return { body: undefined, bodyProblem: 'too_large' as const };
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(raw)) };
  }
  if (raw.trim() === '') return { body: undefined };
  try {
    return { body: JSON.parse(raw) as unknown };
  } catch {
    return { body: undefined, bodyProblem: 'invalid_json' as const };
  }
}

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Whether the request declares a JSON body (`application/json`, `application/…+json`). A browser
 * page can send form, multipart and text/plain bodies to any site without a CORS preflight; JSON it
 * cannot, so endpoints that only read JSON are out of reach of cross-site forms and simple fetches.
 */
export function declaresJson(request: HttpRequest): boolean {
  return JSON_CONTENT_TYPE.test(request.headers['content-type'] ?? '');
}

/**
 * Whether a form body is really JSON text: `curl -d '{…}'` sends JSON as `application/x-www-form-urlencoded`, which
 * parses into one field named after the JSON text. Dialects that read JSON tell it as such (each in its own
 * words), instead of as the first field it lacks.
 */
export function jsonSentAsForm(request: HttpRequest): boolean {
  const { body } = request;
  if (declaresJson(request) || !body || typeof body !== 'object') return false;
  return Object.keys(body).some((name) => /^\s*[[{]/.test(name));
}

/** Normalizes an HTTP API v2 event. Duplicate query keys keep the first value. */
export function toHttpRequest(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) {
    if (!(name in query)) query[name] = value;
  }
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[name] = value;
  }
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    headers,
    query,
    pathParameters,
    ...parseBody(event, headers),
    clientIp: event.requestContext.http.sourceIp,
    requestId: event.requestContext.requestId,
  };
}

/**
 * Request fields as strings: the query string first (as the seeds document), then a JSON object or
 * form body. Numbers and booleans are stringified; objects and arrays are dropped.
 */
export function fieldsOf(request: HttpRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  const body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [name, value] of Object.entries(body)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        fields[name] = String(value);
      }
    }
  }
  return { ...fields, ...request.query };
}
