// docs/tenants.md is generated from the tenants schema: it fails here when schema and doc disagree, and both of its
// examples load as a deployment would load them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTenants } from '../lib/tenants/load.ts';
import { tenantSchema } from '../lib/tenants/schema.ts';
import { FULL_EXAMPLE, MINIMAL_EXAMPLE, renderTenantsDoc } from '../scripts/tenants-doc.ts';

const DOC = join(import.meta.dirname, '..', 'docs', 'tenants.md');

/** Every field path of the schema's JSON Schema (array items as `[]`). */
function paths(schema: Record<string, any>, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]: [string, any]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const inner = field.items?.properties ? paths(field.items, `${path}[]`) : paths(field, path);
    return [path, ...inner];
  });
}

describe('docs/tenants.md', () => {
  it('is what `npm run tenants-doc` generates from the schema (regenerate after a schema change)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderTenantsDoc());
  });

  it('lists every setting of the schema, each with a description', async () => {
    const { toJSONSchema } = await import('zod');
    const doc = readFileSync(DOC, 'utf8');
    const all = paths(
      toJSONSchema(tenantSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>,
    );
    const documented = all.filter((path) => path !== 'mail.configurationSet');
    expect(documented.length).toBeGreaterThan(60);
    for (const path of documented)
      expect(doc, path).toMatch(
        new RegExp(`^\\| \`${path.replace(/[.[\]]/g, '\\$&')}\` \\|.*\\| [^|]+\\S \\|$`, 'm'),
      );
  });

  it('shows the minimal and the full example, and both load for a deployment', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const example of [MINIMAL_EXAMPLE, FULL_EXAMPLE]) {
      expect(doc).toContain(JSON.stringify(example, null, 2));
      const loaded = parseTenants(JSON.stringify(example), 'example', { target: 'deployment' });
      expect(loaded.tenants).toHaveLength(1);
    }
  });

  it('names every template placeholder the renderer fills', () => {
    const doc = readFileSync(DOC, 'utf8');
    const renderer = readFileSync(join(import.meta.dirname, '..', 'lib', 'delivery', 'templates.ts'), 'utf8');
    const filled = /const values = \{([^}]*)\}/.exec(renderer)?.[1] ?? '';
    const names = [...filled.matchAll(/^\s*(\w+):/gm)].map((match) => match[1]);
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) expect(doc).toContain(`- \`{${name}}\``);
  });
});
