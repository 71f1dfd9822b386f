// Reads and validates a tenants file; errors name the file and the failing paths.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { type CheckOptions, formatProblems, tenantsProblems } from './checks.ts';
import { type TenantsFile, tenantsFileSchema } from './schema.ts';

/** The demo tenants (`config/tenants.demo.json`, listed in the README), served by `npm start` with no configuration. */
export const DEMO_TENANTS_FILE = fileURLToPath(new URL('../../config/tenants.demo.json', import.meta.url));

/** `tenant id demo appears twice in <source> (tenants[0] and tenants[1])`, or undefined when every id is unique. */
function duplicateId(json: unknown, source: string): string | undefined {
  const tenants = (json as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(tenants)) return undefined;
  const first = new Map<string, number>();
  for (const [index, tenant] of tenants.entries()) {
    const id = (tenant as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') continue;
    const earlier = first.get(id);
    if (earlier !== undefined)
      return `tenant id ${id} appears twice in ${source} (tenants[${earlier}] and tenants[${index}])`;
    first.set(id, index);
  }
  return undefined;
}

/**
 * Parses tenants from JSON text and runs the run-time checks (./checks.ts); throws an Error listing every
 * problem, each naming its field. The target is the local runtime unless `options.target` says `deployment`
 * (`tenants:load`): only there must a host-reachable tenant name its own `mail.linkBaseUrl`.
 */
export function parseTenants(
  text: string,
  source = 'tenants file',
  options: CheckOptions = { target: 'local' },
): TenantsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const duplicate = duplicateId(json, source);
  if (duplicate) throw new Error(duplicate);
  const result = tenantsFileSchema.safeParse(json);
  if (!result.success) throw new Error(`${source} is invalid:\n${z.prettifyError(result.error)}`);
  const raw = (json as { tenants: unknown[] }).tenants;
  const problems = tenantsProblems(result.data.tenants, raw, options);
  if (problems.length > 0)
    throw new Error(`${source}: these tenants would fail at run time:\n${formatProblems(problems)}`);
  return result.data;
}

/** Reads and parses a tenants file (see {@link parseTenants}); a missing file is one line naming the path. */
export async function loadTenantsFile(
  path: string,
  options: CheckOptions = { target: 'local' },
): Promise<TenantsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`tenants file not found: ${path}`);
    if (code === 'EISDIR') throw new Error(`tenants file is a directory: ${path}`);
    if (code === 'EACCES') throw new Error(`tenants file is not readable: ${path}`);
    throw error;
  }
  return parseTenants(text, path, options);
}
