// Primary adapter plumbing: the middy pipeline every handler is built from.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DomainError, InputError } from '../domain/errors.ts';
import type { Engine, SendEngine } from '../engine/engine.ts';
import { logger } from '../log.ts';
import { observeFailure } from '../observe.ts';
import { engineOf, getRuntime, type Runtime, sendEngineOf } from '../runtime.ts';
import { browserAdmission } from './browser.ts';
import { EDGE_REFUSAL, edgeSecret, throughEdge } from './edge.ts';
import { type HttpRequest, type HttpResponse, toHttpRequest } from './request.ts';

/** A dialect's renderer for failures: its own code for input errors and domain errors, busy for the rest. */
export interface ErrorRenderer {
  renderError(error: unknown, request: HttpRequest): HttpResponse;
}

/** An endpoint's own few lines: the request, and the container's runtime with the engine the endpoint uses. */
type Handle<E> = (request: HttpRequest, runtime: Runtime & { engine: E }) => Promise<HttpResponse>;

/** Each event's request as the handler saw it (through the edge: the viewer's IP and host), for the error renderer. */
const admitted = new WeakMap<APIGatewayProxyEventV2, HttpRequest>();

/**
 * Renders every failure with the dialect's envelope. Unknown errors are logged with the request id and
 * their stack (never the request's inputs) and become the dialect's busy error: no stack in the answer,
 * no 5xx from a bug in parsing.
 */
function dialectErrors(dialect: ErrorRenderer): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof DomainError) observeFailure(error.kind);
      else if (!(error instanceof InputError)) observeFailure('unexpected');
      if (!(error instanceof InputError) && !(error instanceof DomainError && error.kind !== 'busy')) {
        // Powertools writes the error's name, message, location and stack (minified positions of the
        // bundle: `npm run stack` maps them back to the sources).
        logger.error('request failed', error instanceof Error ? error : String(error));
      }
      request.response = dialect.renderError(
        error,
        admitted.get(request.event) ?? toHttpRequest(request.event),
      );
    },
  };
}

/** Builds a Lambda handler over the whole engine: logger context, error rendering, then the endpoint's own few lines. */
export function endpoint(dialect: ErrorRenderer, handle: Handle<Engine>) {
  return endpointOver(dialect, engineOf, handle);
}

/**
 * {@link endpoint} over the send engine only (engine/engine.ts `createSendEngine`), for the routes that only send:
 * their bundles carry none of the other use cases or their store writes.
 */
export function sendingEndpoint(dialect: ErrorRenderer, handle: Handle<SendEngine>) {
  return endpointOver(dialect, sendEngineOf, handle);
}

function endpointOver<E>(dialect: ErrorRenderer, engineOf: (runtime: Runtime) => E, handle: Handle<E>) {
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(dialectErrors(dialect))
    .handler(async (event) => {
      const received = toHttpRequest(event);
      logger.appendKeys({ requestId: received.requestId, route: event.routeKey });
      // With -c waf=true both secrets are read at the first request, in parallel (two GetSecretValue calls); the
      // edge check then precedes any dialect code. Without it, edgeSecret() is undefined at no cost.
      const [built, edge] = await Promise.all([getRuntime(), edgeSecret()]);
      const runtime = { ...built, engine: engineOf(built) };
      const request = edge ? throughEdge(received, edge) : received;
      if (!request) {
        logger.info('request refused', { reason: 'edge' });
        return EDGE_REFUSAL;
      }
      admitted.set(event, request);
      // Every POST (sends, confirmations, checks) answers only browsers on origins its tenant allows:
      // each tenant lookup of the request applies the rule, whichever dialect names the tenant.
      if (request.method === 'GET') return handle(request, runtime);
      return handle(request, { ...runtime, tenants: runtime.tenants.admitting(browserAdmission(request)) });
    });
}
