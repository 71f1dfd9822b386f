// Local runtime (SPEC §8): serves every route of the route table by turning each HTTP request into an
// API Gateway HTTP API v2 event for the same handler modules that are deployed.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTES, type Route } from '../../lib/routes.ts';
import { outbox } from '../../lib/runtime.ts';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_BODY = 1024 * 1024;

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  params: string[];
}

function compile(route: Route): CompiledRoute {
  const params: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), params };
}

const compiled = ROUTES.map(compile);
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

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(body);
}

export interface LocalServerOptions {
  port: number;
  host?: string;
  /** Take the client IP from X-Forwarded-For (SPEC §8: only when TRUST_PROXY=1). */
  trustProxy?: boolean;
}

/** Serves the route table and `GET /_local/outbox`. Resolves with the server and its base URL. */
export async function serveRoutes(options: LocalServerOptions): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://local');
      const method = (request.method ?? 'GET').toUpperCase();
      if (method === 'GET' && url.pathname === '/_local/outbox') {
        send(
          response,
          200,
          JSON.stringify({ messages: outbox.list(url.searchParams.get('to') ?? undefined) }),
        );
        return;
      }
      let match: { route: Route; values: Record<string, string> } | undefined;
      for (const entry of compiled) {
        const found = entry.route.method === method ? entry.pattern.exec(url.pathname) : null;
        if (found) {
          const values = Object.fromEntries(
            entry.params.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]),
          );
          match = { route: entry.route, values };
          break;
        }
      }
      if (!match) {
        send(response, 404, JSON.stringify({ message: 'Not Found' }));
        return;
      }
      const body = await readBody(request);
      if (body === undefined) {
        send(response, 413, JSON.stringify({ message: 'Request Entity Too Large' }));
        return;
      }
      const event = toEvent(request, url, match.route, match.values, body, options.trustProxy ?? false);
      const handler = await loadHandler(match.route);
      const result = await handler(event, lambdaContext(match.route, event.requestContext.requestId));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
      const cookies = result.cookies ?? [];
      response.writeHead(
        result.statusCode ?? 200,
        cookies.length ? { ...headers, 'set-cookie': cookies } : headers,
      );
      response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
    } catch (error) {
      // What API Gateway answers when a Lambda throws; the handlers are built never to let this happen.
      process.stderr.write(`local runtime: handler threw ${(error as Error)?.name}\n`);
      if (!response.headersSent) send(response, 500, JSON.stringify({ message: 'Internal Server Error' }));
      else response.end();
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen) => server.listen(options.port, host, resolveListen));
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
  const forwarded = trustProxy ? headers['x-forwarded-for']?.split(',')[0]?.trim() : undefined;
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
        method: route.method,
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
