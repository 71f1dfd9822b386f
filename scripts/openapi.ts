// `npm run openapi`: writes docs/openapi.json from the native API's zod schemas (lib/openapi/). With
// `--check`, writes nothing and exits 1 when the committed file differs from what would be written.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderOpenApi } from '../lib/openapi/document.ts';

/** Where the document is committed (and what the local runtime serves at /_local/openapi.json). */
export const OPENAPI_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/openapi.json');

function main(args: string[]): number {
  const wanted = renderOpenApi();
  if (args.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(OPENAPI_FILE, 'utf8');
    } catch {
      // missing: stale by definition
    }
    if (committed === wanted) return 0;
    console.error('docs/openapi.json is stale: run `npm run openapi` and commit the result.');
    return 1;
  }
  writeFileSync(OPENAPI_FILE, wanted);
  console.log(`wrote docs/openapi.json (${Buffer.byteLength(wanted)} bytes)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
