// The changelog keeps up with the version: package.json's version has its own entry, newest first, dated.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/service-function.ts';

const read = (file: string) => readFileSync(`${PROJECT_ROOT}${file}`, 'utf8');

describe('CHANGELOG.md', () => {
  it("has an entry for package.json's version, first, with a date and Keep a Changelog sections", () => {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    const entries = [...read('CHANGELOG.md').matchAll(/^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$/gm)];
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries[0]?.[1]).toBe(version);
    const first = read('CHANGELOG.md').split(/^## /m)[1] ?? '';
    expect(first).toMatch(/^### Added$/m);
    expect(first).toMatch(/^### Changed$/m);
  });

  it('lists versions newest first', () => {
    const versions = [...read('CHANGELOG.md').matchAll(/^## (\d+)\.(\d+)\.(\d+) /gm)].map(
      (m) => Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]),
    );
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
  });
});
