// The docs stand alone (issue 12): no Markdown doc or source comment points at a file or document outside the
// repository, every relative Markdown link reaches a file (and heading) that exists, and every repository
// path a doc names in backticks exists.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, keep));
    else if (keep(entry.name)) found.push(path);
  }
  return found;
}

const MARKDOWN = ['README.md', ...filesUnder('docs', (name) => name.endsWith('.md'))];
const SOURCES = ['lib', 'functions', 'infra', 'scripts'].flatMap((dir) =>
  filesUnder(dir, (name) => /\.(ts|mts|js|mjs|css|html)$/.test(name)),
);
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Text that names something only the people who wrote Codegate had: the brief, its seed documents, a machine. */
const OUTSIDE: [RegExp, string][] = [
  [/\bSPEC\b/, 'the product brief (SPEC)'],
  [/§/, 'a section of a document that is not in the repository'],
  [/seed-notes/, 'the seed research notes'],
  [/\bseeds\//, 'the seed documents'],
  [/\bshared\//, 'a shared folder outside the repository'],
  [/\b\d{3}_[0-9a-f]{16}\.txt\b/, 'a seed document by file name'],
  [/(?:^|[\s`'"(=])\/(?:work|home|root|Users|mnt|srv)\//, 'an absolute machine path'],
  [/(?:^|[\s`'"(=])\/tmp\/[\w.-]/, 'a file in a machine temp folder'],
];

function outsideReferences(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const [pattern, what] of OUTSIDE) {
      if (pattern.test(line)) found.push(`line ${index + 1}: ${what}: ${line.trim().slice(0, 120)}`);
    }
  });
  return found;
}

/** The comments of a source file (line and block comments), each with its line number. */
function commentsOf(source: string): string {
  const lines = source.split('\n');
  return lines
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return trimmed;
      const trailing = /\s\/\/\s.*$/.exec(line);
      return trailing ? trailing[0] : '';
    })
    .join('\n');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens (duplicates numbered). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading?.[1]) continue;
    const slug = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replaceAll(' ', '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Markdown without its fenced blocks and inline code (links and text only). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

interface Link {
  doc: string;
  target: string;
}

function relativeLinks(doc: string): Link[] {
  const links: Link[] = [];
  for (const match of prose(read(doc)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    links.push({ doc, target });
  }
  return links;
}

/** Problems with one relative link: outside the repository, no such file, or no such heading. */
function linkProblem({ doc, target }: Link): string | undefined {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(ROOT, doc) : resolve(ROOT, doc, '..', decodeURIComponent(path));
  const inside = relative(ROOT, file);
  if (inside.startsWith('..')) return `${doc}: ${target} leaves the repository`;
  if (!existsSync(file)) return `${doc}: ${target} names no file`;
  if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor))
    return `${doc}: ${target} names no heading of ${inside}`;
  return undefined;
}

/** `a/{b,c}.ts` → `a/b.ts`, `a/c.ts`. */
function expandBraces(path: string): string[] {
  const match = /\{([^{}]*)\}/.exec(path);
  if (!match) return [path];
  return (match[1] ?? '').split(',').flatMap((part) => expandBraces(path.replace(match[0], part)));
}

/** Whether a repository path (with `*` wildcards in its last segment) names something that exists. */
function pathExists(path: string): boolean {
  const clean = path.replace(/[/.,:;]+$/, (end) => (end.startsWith('/') ? '/' : ''));
  if (!clean.includes('*')) return existsSync(join(ROOT, clean));
  const dir = clean.slice(0, clean.lastIndexOf('/'));
  const pattern = new RegExp(
    `^${clean
      .slice(clean.lastIndexOf('/') + 1)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')}$`,
  );
  return (
    existsSync(join(ROOT, dir)) &&
    statSync(join(ROOT, dir)).isDirectory() &&
    readdirSync(join(ROOT, dir)).some((name) => pattern.test(name))
  );
}

const REPO_PATH = /`((?:lib|functions|infra|test|docs|config|scripts|\.ci)\/[^`\s]*)`/g;

describe('docs stand alone', () => {
  it('there are docs to check', () => {
    expect(MARKDOWN).toContain('docs/architecture.md');
    expect(MARKDOWN.filter((doc) => doc.startsWith('docs/dialects/')).length).toBeGreaterThanOrEqual(6);
    expect(SOURCES.length).toBeGreaterThan(50);
  });

  it('no Markdown doc points at a document or file outside the repository', () => {
    const found = MARKDOWN.flatMap((doc) =>
      outsideReferences(read(doc)).map((problem) => `${doc} ${problem}`),
    );
    // `../` is only for relative links inside the repository (checked below), never in prose.
    for (const doc of MARKDOWN) {
      const withoutLinks = prose(read(doc)).replace(/\]\([^)]*\)/g, '](…)');
      if (withoutLinks.includes('../')) found.push(`${doc}: a ../ path outside a Markdown link`);
    }
    expect(found).toEqual([]);
  });

  it('no source comment (lib/, functions/, infra/, scripts/) points outside the repository', () => {
    const found = SOURCES.flatMap((file) => {
      const source = read(file);
      const problems = outsideReferences(source).map((problem) => `${file} ${problem}`);
      // Imports use ../ legitimately; a comment that does points at a file by a path a reader must resolve.
      commentsOf(source)
        .split('\n')
        .forEach((comment, index) => {
          if (comment.includes('../'))
            problems.push(`${file} line ${index + 1}: ../ in a comment: ${comment}`);
        });
      return problems;
    });
    expect(found).toEqual([]);
  });

  it('every relative Markdown link reaches a file in the repository (and its heading, when it names one)', () => {
    const links = MARKDOWN.flatMap(relativeLinks);
    expect(links.length).toBeGreaterThan(10);
    expect(links.map(linkProblem).filter(Boolean)).toEqual([]);
  });

  it('every repository path a doc names in backticks exists', () => {
    const missing: string[] = [];
    for (const doc of MARKDOWN) {
      for (const match of read(doc).matchAll(REPO_PATH)) {
        const named = match[1] ?? '';
        if (named.includes('<') || named.includes('…')) continue; // a pattern such as test/<file>
        for (const path of expandBraces(named)) {
          if (!pathExists(path)) missing.push(`${doc}: ${path}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('the summaries name every dialect', () => {
  it("package.json's description and the README's opening name each folder of lib/dialects", () => {
    const dialects = readdirSync(join(ROOT, 'lib/dialects')).filter((name) => name !== 'native');
    expect(dialects.length).toBeGreaterThanOrEqual(5);
    const description = String(JSON.parse(read('package.json')).description).toLowerCase();
    const opening = read('README.md').split('## Quick start')[0]?.toLowerCase() ?? '';
    for (const dialect of dialects) {
      expect(description, dialect).toContain(dialect);
      expect(opening, dialect).toContain(dialect);
    }
    expect(description).toContain('native api');
  });
});

describe('the checks themselves', () => {
  it('catch the references they are for, and pass ordinary text', () => {
    expect(outsideReferences('see SPEC §4')).toHaveLength(2);
    expect(outsideReferences('research in seed-notes')).toHaveLength(1);
    expect(outsideReferences('the seed `004_8630d1edcdb15c04.txt`')).toHaveLength(1);
    expect(outsideReferences('read /work/shared/seeds/000.txt')).toHaveLength(3);
    expect(outsideReferences('mount it at /tmp/x')).toHaveLength(1);
    expect(outsideReferences('the specification says; seed 000 is Acceleronix email')).toEqual([]);
    expect(outsideReferences('`GET /_local/outbox` and lib/store/')).toEqual([]);
  });

  it('resolve links and anchors as GitHub does', () => {
    expect(linkProblem({ doc: 'docs/dialects/native.md', target: '../openapi.json' })).toBeUndefined();
    expect(linkProblem({ doc: 'README.md', target: '../outside.md' })).toMatch(/leaves the repository/);
    expect(linkProblem({ doc: 'README.md', target: 'docs/nothing.md' })).toMatch(/names no file/);
    expect(linkProblem({ doc: 'docs/events.md', target: 'deploy.md#no-such-heading' })).toMatch(
      /names no heading/,
    );
    expect(anchorsOf('# Tenants by host (Fresns, AnqiCMS)\n## A `code` here')).toEqual(
      new Set(['tenants-by-host-fresns-anqicms', 'a-code-here']),
    );
    expect(expandBraces('functions/x-{a,b}.ts')).toEqual(['functions/x-a.ts', 'functions/x-b.ts']);
    expect(pathExists('functions/eiam-*.ts')).toBe(true);
    expect(pathExists('lib/no-such-*.ts')).toBe(false);
  });
});
