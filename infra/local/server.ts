// Local runtime: serves every route of the route table by turning each HTTP request into an
// API Gateway HTTP API v2 event for the same handler modules that are deployed.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTES, type Route } from '../../lib/routes.ts';
import { invoke } from './invocations.ts';
import { LOCAL_ROUTES, type LocalRoute, sendJson } from './local-routes.ts';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_BODY = 1024 * 1024;

interface Compiled<R> {
  route: R;
  pattern: RegExp;
  params: string[];
}

function compile<R extends { path: string }>(route: R): Compiled<R> {
  const params: string[] = [];
  const source = route.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    // `{proxy+}` (escaped above to `{proxy\+}`): API Gateway's greedy variable, one or more segments.
    .replace(/\{(\w+)\\\+\}|\{(\w+)\}/g, (_, greedy: string | undefined, name: string | undefined) => {
      params.push(greedy ?? name ?? '');
      return greedy ? '(.+)' : '([^/]+)';
    });
  return { route, pattern: new RegExp(`^${source}$`), params };
}

const compiled = ROUTES.map(compile);
const compiledLocal = LOCAL_ROUTES.map(compile);

class MalformedPath extends Error {}

/** The first route of `table` for this method and path, with its `{name}` segments percent-decoded. */
function find<R extends { method: string; path: string }>(
  table: Compiled<R>[],
  method: string,
  pathname: string,
): { route: R; values: Record<string, string> } | undefined {
  for (const entry of table) {
    const serves = entry.route.method === method || entry.route.method === 'ANY';
    const found = serves ? entry.pattern.exec(pathname) : null;
    if (!found) continue;
    const values: Record<string, string> = {};
    for (const [i, name] of entry.params.entries()) {
      try {
        values[name] = decodeURIComponent(found[i + 1] ?? '');
      } catch {
        throw new MalformedPath(); // `%E0%A4%A`: a client error, not the handler's
      }
    }
    return { route: entry.route, values };
  }
  return undefined;
}
const handlers = new Map<string, Promise<Handler>>();

function loadHandler(route: Route): Promise<Handler> {
  let handler = handlers.get(route.name);
  if (!handler) {
    handler = import(resolve(ROOT, 'functions', `${route.name}.ts`)).then(
      (module) => module.handler as Handler,
    );
    handlers.set(route.name, handler);
  }
  return handler;
}

function lambdaContext(route: Route, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `codegate-${route.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:codegate-${route.name}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/codegate-${route.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolveBody(undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export interface LocalServerOptions {
  port: number;
  host?: string;
  /** Host names besides the loopback ones whose requests the `/_local/*` routes answer (LOCAL_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** Take the client IP from X-Forwarded-For (only when TRUST_PROXY=1). */
  trustProxy?: boolean;
  /** Requests wait for this before they are served (the server listens before the table exists). */
  ready?: Promise<unknown>;
}

/** The names a loopback `Host` header carries: the `/_local/*` routes answer these (and the allowed hosts) only. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Whether a `Host` header (with or without its port) names a loopback address or one of `allowed`. The
 * local routes show codes and captcha answers; checking the name the browser asked for defeats DNS
 * rebinding, where a page of another site resolves its own name to 127.0.0.1 to read them.
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[] = []): boolean {
  const name = (host ?? '').trim().toLowerCase().replace(/:\d+$/, '');
  return name !== '' && (LOOPBACK_HOSTS.includes(name) || allowed.includes(name));
}

/** LOCAL_ALLOWED_HOSTS: comma-separated host names, lower-cased, ports dropped; empty entries ignored. */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter(Boolean);
}

/** What a listen failure means to the person who ran `npm start`. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use; set PORT to another port`);
  }
}

async function invokeRoute(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  match: { route: Route; values: Record<string, string> },
  trustProxy: boolean,
) {
  const body = await readBody(request);
  if (body === undefined) return sendJson(response, 413, { message: 'Request Entity Too Large' });
  const event = toEvent(request, url, match.route, match.values, body, trustProxy);
  const requestId = event.requestContext.requestId;
  const handler = await loadHandler(match.route);
  const result = await invoke(requestId, () => handler(event, lambdaContext(match.route, requestId)));
  // API Gateway names the invocation in every response; the log lines carry the same id.
  const headers: Record<string, string> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  const cookies = result.cookies ?? [];
  response.writeHead(
    result.statusCode ?? 200,
    cookies.length ? { ...headers, 'set-cookie': cookies } : headers,
  );
  response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

/** Serves the route table and the `/_local/*` routes. Resolves with the server and its base URL. */
export async function serveRoutes(options: LocalServerOptions): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    try {
      await options.ready;
      const url = new URL(request.url ?? '/', 'http://local');
      const method = (request.method ?? 'GET').toUpperCase();
      const local = find<LocalRoute>(compiledLocal, method, url.pathname);
      if (local) {
        if (!hostAllowed(request.headers.host, options.allowedHosts))
          return sendJson(response, 403, { message: 'Forbidden: /_local/ answers loopback hosts only' });
        return await local.route.handle({ request, response, url, params: local.values });
      }
      const match = find(compiled, method, url.pathname);
      if (!match) return sendJson(response, 404, { message: 'Not Found' });
      await invokeRoute(request, response, url, match, options.trustProxy ?? false);
    } catch (error) {
      if (error instanceof MalformedPath) return sendJson(response, 400, { message: 'Bad Request' });
      // What API Gateway answers when a Lambda throws; the handlers are built never to let this happen.
      process.stderr.write(`local runtime: handler threw ${(error as Error)?.name}\n`);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
      else response.end();
    }
  });
  // An idle keep-alive connection must be dropped by the client (fetch: 4 s) before the server closes it
  // (Node's default: 5 s); otherwise a request sent on a closing socket dies with ECONNRESET under load.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port) : error),
    );
    server.listen(options.port, host, resolveListen);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { server, url: `http://${host}:${port}` };
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  body: Buffer,
  trustProxy: boolean,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // Each proxy appends the address it saw, so only the right-most entry (our proxy's peer) is not
  // the client's own claim; the entries left of it are whatever the client chose to send.
  const forwarded = trustProxy ? headers['x-forwarded-for']?.split(',').at(-1)?.trim() : undefined;
  const sourceIp = forwarded || (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const requestId = randomUUID();
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(body.length ? { body: body.toString('utf8') } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: route.method === 'ANY' ? (request.method ?? 'GET') : route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}
