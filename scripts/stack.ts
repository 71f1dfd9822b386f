// `npm run stack -- <function> [file]`: maps the minified positions in a stack trace from a deployed function
// (a `request failed` log line, or a plain trace) back to the TypeScript sources. The deployed bundles carry
// no source map (Node would read and parse it at every cold start); this synthesizes the stack with the
// `sourceMaps` context, which makes esbuild write the same code plus a map beside it, and reads that map.
// Run it from the commit that was deployed.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../infra/service-function.ts';
import { ROUTES } from '../lib/routes.ts';
import { synthFunctions } from './synth-functions.ts';

/** A position in the bundle as Node prints it: `…/index.mjs:line:column` (both 1-based). */
const FRAME = /(?:file:\/\/)?(?:\/[^\s():"]*\/)?index\.mjs:(\d+):(\d+)/g;

/** Maps every bundle position in `text` through the map beside `bundle`; positions it cannot map stay. */
export function mapPositions(text: string, bundle: string): string {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  return text.replace(FRAME, (frame, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return frame;
    const source = relative(PROJECT_ROOT, resolve(dirname(bundle), entry.originalSource));
    return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}

/** A log line's `error.stack` (Powertools' error field) when the line is one; the line itself otherwise. */
export function traceOf(line: string): string {
  try {
    const parsed = JSON.parse(line) as { error?: { stack?: unknown } };
    if (typeof parsed.error?.stack === 'string') return parsed.error.stack;
  } catch {
    // Not JSON: a plain trace line.
  }
  return line;
}

async function main() {
  const [name, file] = process.argv.slice(2);
  if (!name || name === '--help') {
    process.stdout.write(
      'usage: npm run stack -- <function> [file]\n' +
        '  <function>  a route name (native-send, eiam-captcha-get, …) or Feedback/Consumer, Feedback/Enrichment\n' +
        '  [file]      the log lines or trace to map; standard input when absent\n',
    );
    process.exit(name ? 0 : 2);
  }
  const input = readFileSync(file ?? 0, 'utf8');
  const dir = await mkdtemp(join(tmpdir(), 'codegate-stack-'));
  try {
    // A route's function is built alone (seconds, not a minute); the feedback functions come with any build.
    const routes = ROUTES.some((route) => route.name === name) ? [name] : [];
    const functions = synthFunctions(join(dir, 'cdk.out'), { sourceMaps: true, routes });
    const deployed = functions.get(name);
    if (!deployed) {
      process.stderr.write(`no function "${name}"; one of: ${[...functions.keys()].join(', ')}\n`);
      process.exit(2);
    }
    const trace = input.split('\n').map(traceOf).join('\n');
    process.stdout.write(`${mapPositions(trace, deployed.file).trimEnd()}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('stack.ts')) await main();
