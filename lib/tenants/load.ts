// Reads and validates a tenants file; errors name the file and the failing paths.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { type TenantsFile, tenantsFileSchema } from './schema.ts';

/** The demo tenants (`config/tenants.demo.json`, listed in the README), served by `npm start` with no configuration. */
export const DEMO_TENANTS_FILE = fileURLToPath(new URL('../../config/tenants.demo.json', import.meta.url));

/** Parses tenants from JSON text; throws an Error listing every problem. */
export function parseTenants(text: string, source = 'tenants file'): TenantsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const result = tenantsFileSchema.safeParse(json);
  if (!result.success) throw new Error(`${source} is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads and parses a tenants file. */
export async function loadTenantsFile(path: string): Promise<TenantsFile> {
  return parseTenants(await readFile(path, 'utf8'), path);
}
