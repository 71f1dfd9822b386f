// Per-file mutation scores from StrykerJS's JSON report (`npm run test:mutation` runs it after `stryker run`):
// each security helper must reach 95% and the engine as a whole 90%, of the mutants some test reaches.
import { readFileSync } from 'node:fs';

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

const REPORT = 'reports/mutation/mutation.json';
const HELPERS = ['lib/signature.ts', 'lib/crypto.ts', 'lib/session.ts', 'lib/mask.ts', 'lib/address.ts'];
const HELPER_TARGET = 95;
const ENGINE_TARGET = 90;

/** Killed (or timed out) among the mutants a test reaches; uncovered and invalid mutants do not count. */
function tally(statuses: string[]) {
  const count = (status: string) => statuses.filter((s) => s === status).length;
  const detected = count('Killed') + count('Timeout');
  const survived = count('Survived');
  const covered = detected + survived;
  return { detected, survived, noCoverage: count('NoCoverage'), covered, score: (100 * detected) / covered };
}

const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
const files = Object.entries(report.files).map(([path, file]) => ({
  path: path.replaceAll('\\', '/'),
  statuses: file.mutants.map((mutant) => mutant.status),
}));
const rows: { name: string; target: number; statuses: string[] }[] = [
  ...HELPERS.map((name) => ({
    name,
    target: HELPER_TARGET,
    statuses: files.find((file) => file.path === name)?.statuses ?? [],
  })),
  ...files
    .filter((file) => file.path.startsWith('lib/engine/'))
    .map((file) => ({ name: file.path, target: 0, statuses: file.statuses })),
  {
    name: 'lib/engine (all files)',
    target: ENGINE_TARGET,
    statuses: files.filter((file) => file.path.startsWith('lib/engine/')).flatMap((file) => file.statuses),
  },
];

let failed = false;
console.log('file                       covered  killed  survived  no-cov  score (of covered)');
for (const row of rows) {
  const t = tally(row.statuses);
  const ok = row.target === 0 || (t.covered > 0 && t.score >= row.target);
  failed ||= !ok;
  const score = t.covered ? `${t.score.toFixed(1)}%` : 'n/a';
  const verdict = row.target ? (ok ? `>= ${row.target}% ok` : `< ${row.target}% FAIL`) : '';
  console.log(
    `${row.name.padEnd(26)} ${String(t.covered).padStart(7)} ${String(t.detected).padStart(7)} ${String(t.survived).padStart(9)} ${String(t.noCoverage).padStart(7)}  ${score.padStart(6)} ${verdict}`,
  );
}
if (failed) {
  console.error('Mutation score below target: see reports/mutation/index.html for the survivors.');
  process.exitCode = 1;
}
