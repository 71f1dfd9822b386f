// Local runtime: every request runs as its own Lambda invocation, in one process, concurrently — as
// Lambda runs them when several invocations share an environment (AWS_LAMBDA_MAX_CONCURRENCY set).
// There the runtime keeps each invocation's state in an AsyncLocalStorage-backed "InvokeStore" on
// `globalThis.awslambda`, and Powertools keeps the logger's appended keys and Lambda context there
// instead of on the shared logger. Without this, concurrent requests overwrote each other's requestId
// in log lines. On Lambda (one invocation at a time, no AWS_LAMBDA_MAX_CONCURRENCY) nothing changes.
import { AsyncLocalStorage } from 'node:async_hooks';

type Context = Record<string | symbol, unknown>;

// The runtime's protected keys (global symbols, so the same ones the AWS packages look up).
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
const PROTECTED = new Set<string | symbol>(
  ['REQUEST_ID', 'X_RAY_TRACE_ID', 'TENANT_ID', 'TRACEPARENT', 'TRACESTATE', 'BAGGAGE'].map((key) =>
    Symbol.for(`_AWS_LAMBDA_${key}`),
  ),
);

/** The InvokeStore contract the Lambda runtime offers (what Powertools and the AWS SDK read). */
class LocalInvokeStore {
  private readonly storage = new AsyncLocalStorage<Context>();
  getContext = () => this.storage.getStore();
  hasContext = () => this.storage.getStore() !== undefined;
  get = <T>(key: string | symbol) => this.storage.getStore()?.[key] as T | undefined;
  set = (key: string | symbol, value: unknown) => {
    const store = this.storage.getStore();
    if (!store) throw new Error('No context available');
    if (PROTECTED.has(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    store[key] = value;
  };
  run = <T>(context: Context, fn: () => T): T => this.storage.run(context, fn);
  getRequestId = () => this.get<string>(REQUEST_ID) ?? '-';
  getXRayTraceId = () => this.get<string>(Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'));
  getTenantId = () => this.get<string>(Symbol.for('_AWS_LAMBDA_TENANT_ID'));
  getTraceparent = () => undefined;
  getTracestate = () => undefined;
  getBaggage = () => undefined;
}

let store: LocalInvokeStore | undefined;

/** Makes this process a multi-concurrency Lambda environment (idempotent). */
export function enableConcurrentInvocations(): void {
  if (store) return;
  store = new LocalInvokeStore();
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  const global = globalThis as { awslambda?: { InvokeStore?: unknown } };
  global.awslambda ??= {};
  global.awslambda.InvokeStore = store;
}

/** Runs one invocation in its own context, as the Lambda runtime does for each event. */
export function invoke<T>(requestId: string, fn: () => Promise<T>): Promise<T> {
  enableConcurrentInvocations();
  return (store as LocalInvokeStore).run({ [REQUEST_ID]: requestId }, fn);
}
