// OpenAPI document: one operation from a compact description. Each example is one exchange; its key
// names its parts everywhere they live (request body, parameters, the response it gets), so a reader
// and test/openapi.test.ts can put the request together and know the status it must get.
import type { ERRORS } from '../dialects/native/index.ts';
import { ref } from './schemas.ts';

type Json = Record<string, unknown>;

/**
 * State an example needs before it is sent (`x-codegate-prepare` on its response example; its
 * description says the same in words):
 * - `send`: this send (`POST /v1/verifications`, with `idempotencyKey` as its header) goes first; `use`
 *   takes its answer's `id` into the path, or the code mailed or texted (read from the local outbox,
 *   `GET /_local/outbox?to=…`) into the body's `code`.
 * - `suppress`: the address is on the suppression list first (`npm run suppressions -- add --to …`).
 * - `grant`: a reset grant for this email first: `POST /api/verify/email {"email", "state":"reset"}`,
 *   then the mailed link with `&return=json` answers 302; its Location's `token` goes into the body.
 */
export type Prepare =
  | { send: { channel: string; to: string; purpose: string }; idempotencyKey?: string; use?: 'id' | 'code' }
  | { suppress: string }
  | { grant: string };

export interface ExampleSpec {
  summary: string;
  /** Required whenever `prepare` is set: the sequence in words. */
  description?: string;
  status: number;
  /** A JSON body. */
  body?: unknown;
  /** A form body (`application/x-www-form-urlencoded`), for operations that read one. */
  form?: Record<string, string>;
  /** Values of path, query and header parameters, by name. */
  params?: Record<string, string>;
  prepare?: Prepare;
  response: unknown;
}

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description: string;
  schema: Json;
}

export interface OperationSpec {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters?: ParameterSpec[];
  /** The request body's component schema, and whether a form body is read too. */
  body?: { schema: string; description: string; form?: boolean };
  /** Success statuses: description and component schema. */
  success: Record<number, { description: string; schema: string }>;
  /** Error statuses: the codes this operation can answer with, each with when it does. */
  errors: Record<number, Partial<Record<keyof typeof ERRORS, string>>>;
  examples: Record<string, ExampleSpec>;
}

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds until a retry can succeed (also `error.retryAfter`).',
    schema: { type: 'integer', minimum: 1 },
  },
};

function errorResponse(status: number, codes: Partial<Record<keyof typeof ERRORS, string>>): Json {
  const lines = Object.entries(codes).map(([code, when]) => `- \`${code}\`: ${when}`);
  return {
    description: lines.join('\n'),
    ...(status === 429 ? { headers: RETRY_AFTER } : {}),
    content: { 'application/json': { schema: ref(`NativeError${status}`) } },
  };
}

/** The operation object, its examples spread over the body, the parameters and the responses. */
export function operation(spec: OperationSpec): Json {
  const responses: Record<string, Json> = {};
  for (const [status, { description, schema }] of Object.entries(spec.success)) {
    responses[status] = { description, content: { 'application/json': { schema: ref(schema) } } };
  }
  for (const [status, codes] of Object.entries(spec.errors)) {
    responses[status] = errorResponse(Number(status), codes);
  }
  const parameters = (spec.parameters ?? []).map((parameter) => ({ ...parameter, examples: {} as Json }));
  const bodyExamples: Json = {};
  const formExamples: Json = {};
  for (const [key, example] of Object.entries(spec.examples)) {
    const response = responses[String(example.status)];
    if (!response) throw new Error(`${spec.operationId}.${key}: no ${example.status} response`);
    if (example.prepare && !example.description) throw new Error(`${spec.operationId}.${key}: describe it`);
    const media = (response.content as Record<string, Json>)['application/json'] as Json;
    media.examples = {
      ...(media.examples as Json | undefined),
      [key]: {
        summary: example.summary,
        ...(example.description ? { description: example.description } : {}),
        value: example.response,
        ...(example.prepare ? { 'x-codegate-prepare': example.prepare } : {}),
      },
    };
    if (example.body !== undefined) bodyExamples[key] = { summary: example.summary, value: example.body };
    if (example.form !== undefined) formExamples[key] = { summary: example.summary, value: example.form };
    for (const parameter of parameters) {
      const value = example.params?.[parameter.name];
      if (value !== undefined) parameter.examples[key] = { summary: example.summary, value };
    }
  }
  const mediaType = (examples: Json) => ({
    schema: ref(spec.body?.schema ?? ''),
    ...(Object.keys(examples).length ? { examples } : {}),
  });
  const content: Json = {};
  if (spec.body) content['application/json'] = mediaType(bodyExamples);
  if (spec.body?.form) content['application/x-www-form-urlencoded'] = mediaType(formExamples);
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    ...(parameters.length
      ? {
          parameters: parameters.map(({ examples, ...parameter }) =>
            Object.keys(examples).length ? { ...parameter, examples } : parameter,
          ),
        }
      : {}),
    ...(spec.body ? { requestBody: { required: true, description: spec.body.description, content } } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}
