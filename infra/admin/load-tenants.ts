// Admin command: validates a tenants file and writes it into a Codegate table (local or deployed).
//   npm run tenants:load -- --file tenants.json --table <TableName> [--endpoint http://127.0.0.1:8000] [--region eu-west-1]
import { parseArgs } from 'node:util';
import { createDocumentClient } from '../../lib/store/client.ts';
import { loadTenantsFile } from '../../lib/tenants/load.ts';
import { TenantRegistry } from '../../lib/tenants/registry.ts';

const USAGE =
  'usage: npm run tenants:load -- --file <tenants.json> --table <TableName> [--endpoint <url>] [--region <region>] [--dry-run]';

/** Loads the file and writes every tenant's alias items; returns a summary line (no secrets). */
export async function loadTenants(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      file: { type: 'string' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.file || (!values.table && !values['dry-run'])) throw new Error(USAGE);
  const file = await loadTenantsFile(values.file);
  const ids = file.tenants.map((tenant) => tenant.id).join(', ');
  if (values['dry-run']) return `valid: ${file.tenants.length} tenant(s): ${ids}`;
  if (values.region) process.env.AWS_REGION = values.region;
  const db = createDocumentClient(values.endpoint);
  try {
    const items = await new TenantRegistry(db, values.table ?? '').put(file.tenants);
    return `loaded ${file.tenants.length} tenant(s) (${items} alias items) into ${values.table}: ${ids}`;
  } finally {
    db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  loadTenants(process.argv.slice(2)).then(
    (summary) => process.stdout.write(`${summary}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
