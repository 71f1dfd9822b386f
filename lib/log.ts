// The one structured logger (Powertools). Callers pass masked addresses only; codes and secrets never.
// Keys appended per request (requestId, route) are per invocation: on Lambda one runs at a time; the local
// runtime runs each request as its own invocation context (infra/local/invocations.ts), as Lambda does
// when invocations share an environment, so concurrent requests never take each other's keys.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'codegate' });
