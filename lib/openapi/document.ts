// OpenAPI document: docs/openapi.json assembled — info, security, paths from the operations, components
// from the zod schemas — and serialized the same way every time (`npm run openapi` writes it).
import { CHECK_OPERATIONS } from './native-check.ts';
import { SEND_OPERATION } from './native-send.ts';
import { STATUS_OPERATIONS } from './native-status.ts';
import { type OperationSpec, operation } from './operation.ts';
import { componentSchemas } from './schemas.ts';

type Json = Record<string, unknown>;

const DESCRIPTION = `Codegate's native API: send one-time codes by email or SMS, check them, look verifications up, redeem grants.

Generated from the request parsers' zod schemas by \`npm run openapi\` (scripts/openapi.ts); the prose is in docs/dialects/native.md.

**Errors** are \`{"error": {"code", "message", "retryAfter"?}}\`; each response lists the codes it can carry.

**Examples** are exchanges: an example's key names its request body, its parameters and the response it gets. They run against the local runtime (\`npm start\`) with the demo tenant's key \`demo-api-key\`; the 401 examples send no key. Those that need earlier state say how to make it in their description (and in \`x-codegate-prepare\`). test/openapi.test.ts sends every one and checks its status and body.

The wire-compatible dialects (Acceleronix, Fresns, AnqiCMS, EIAM, Twilio) parse their requests by hand, not with zod schemas (EIAM's only zod schema reads the inside of \`point_json\`), so they are not described here; see docs/dialects/.`;

/** Sorts an object's keys (for the maps whose order carries no meaning: paths, schemas). */
function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The native API's operations (the paths are sorted in the document). */
export const NATIVE_OPERATIONS: OperationSpec[] = [SEND_OPERATION, ...CHECK_OPERATIONS, ...STATUS_OPERATIONS];

/** The OpenAPI 3.1 document, as a plain object. */
export function openApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of NATIVE_OPERATIONS) {
    paths[spec.path] = { ...paths[spec.path], [spec.method]: operation(spec) };
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Codegate native API',
      version: '1.0.0',
      description: DESCRIPTION,
    },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'The local runtime (`npm start`).' },
      {
        url: 'https://{apiHost}',
        description: 'A deployment: the HTTP API endpoint or custom domain (docs/deploy.md).',
        variables: { apiHost: { default: 'api.example.com' } },
      },
    ],
    security: [{ apiKey: [] }],
    tags: [{ name: 'native', description: 'The native API (docs/dialects/native.md).' }],
    paths: sorted(paths),
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            "`Authorization: Bearer <api key>`: a tenant's key, 8–256 characters (the tenant config keeps " +
            'only its SHA-256).',
        },
      },
      schemas: sorted(componentSchemas()),
    },
  };
}

/** The document as committed: two-space JSON and a trailing newline. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
