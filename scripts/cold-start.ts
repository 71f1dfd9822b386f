// `npm run bench` (cold section, also `npm run bench:cold`): each function's bundle exactly as `cdk synth`
// writes it, its size, and its median import time in fresh Node processes, as a ratio to a floor bundle
// (only a constructed DynamoDBClient) built with the same esbuild options — measured interleaved, in the
// same run. The floor keeps the SDK's default credential chain: it is the bare client, not a Codegate bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_ALIASES, functionBuildOptions } from '../infra/bundling.ts';
import { median } from './measure.ts';
import { type DeployedFunction, synthFunctions } from './synth-functions.ts';

const ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 25);
/** The budget of issue 11: every function at most this many KB, and this ratio of the floor's import time. */
export const MAX_KB = 450;
const MAX_RATIO = 1.25;
export const FLOOR = '(floor: DynamoDBClient only)';

export interface ColdRow {
  name: string;
  bytes: number;
  medianMs: number;
  ratio: number;
}

/**
 * How the Lambda Node.js runtime starts a function of this memory size: its bootstrap gives V8 a tenth of
 * the memory as new space (half of it per semi-space) and the rest as old space, on the command line, and
 * passes the function's NODE_OPTIONS through the environment (command-line flags win over them). With an
 * `AWS_LAMBDA_EXEC_WRAPPER`, the bootstrap runs that script with the Node binary and the flags as its
 * arguments instead. Run `command` with `args` followed by Node's own (script or `-e` and its arguments).
 */
export function lambdaLaunch(deployed: Pick<DeployedFunction, 'memorySize' | 'nodeOptions' | 'execWrapper'>) {
  const newSpace = Math.floor(deployed.memorySize / 10);
  const flags = [
    '--expose-gc',
    '--max-http-header-size',
    '81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${deployed.memorySize - newSpace}`,
  ];
  return {
    command: deployed.execWrapper ?? process.execPath,
    args: deployed.execWrapper ? [process.execPath, ...flags] : flags,
    env: deployed.nodeOptions ? { NODE_OPTIONS: deployed.nodeOptions } : {},
  };
}

/**
 * Bundles one entry with the options the stack's functions are built with (infra/bundling.ts), aliases included
 * unless `aliases` says otherwise.
 */
export async function bundleLike(
  entry: string,
  outfile: string,
  define: Record<string, string> = {},
  aliases: Readonly<Record<string, string>> = BUNDLE_ALIASES,
) {
  await build({ ...functionBuildOptions({ entry, outfile, define, aliases }), logLevel: 'silent' });
  return outfile;
}

/** The floor: a bundle that only constructs a DynamoDB client, built the way the stack builds functions. */
async function floorBundle(dir: string): Promise<string> {
  const entry = join(dir, 'floor.ts');
  writeFileSync(
    entry,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const client = new DynamoDBClient({});\n" +
      'export const handler = async () => client.config.region();\n',
  );
  return bundleLike(entry, join(dir, 'floor', 'index.mjs'), {}, {});
}

/**
 * Milliseconds a fresh Node process spends importing (loading and evaluating) one bundle, started as Lambda
 * starts the function (its memory flags and NODE_OPTIONS).
 */
function importMs(file: string, launch: ReturnType<typeof lambdaLaunch>): number {
  const script =
    'const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));';
  const out = execFileSync(launch.command, [...launch.args, '--input-type=module', '-e', script, file], {
    env: {
      PATH: process.env.PATH,
      ...launch.env,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    encoding: 'utf8',
  });
  return Number(out);
}

/** Measures every function against the floor, interleaved round by round so load drifts hit all alike. */
export async function coldLoad(functions: ReadonlyMap<string, DeployedFunction>): Promise<ColdRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'codegate-cold-'));
  try {
    const launches = new Map([...functions].map(([name, deployed]) => [name, lambdaLaunch(deployed)]));
    const bundles = new Map([...functions].map(([name, deployed]) => [name, deployed.file]));
    bundles.set(FLOOR, await floorBundle(dir));
    // The floor starts like the API's functions: same memory flags, same NODE_OPTIONS.
    const apiLaunch = launches.get('native-send');
    if (!apiLaunch) throw new Error('no native-send function');
    launches.set(FLOOR, apiLaunch);
    const times = new Map<string, number[]>([...bundles.keys()].map((name) => [name, []]));
    const names = [...bundles.keys()];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so no bundle always runs first (or right after the same neighbour).
      const order = names.map((_, i) => names[(i + round) % names.length] as string);
      for (const name of order) {
        times.get(name)?.push(importMs(bundles.get(name) as string, launches.get(name) ?? apiLaunch));
      }
    }
    const floor = times.get(FLOOR) ?? [];
    return names.map((name) => {
      const own = times.get(name) ?? [];
      // The ratio is the median of each round's ratio to the floor's import in that same round: a busy
      // machine slows whole rounds, and a ratio within the round cancels most of that.
      const ratio = median(own.map((ms, round) => ms / (floor[round] ?? Number.NaN)));
      return { name, bytes: statSync(bundles.get(name) as string).size, medianMs: median(own), ratio };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the cold-load table with the budget verdict per function. */
export function printColdLoad(rows: ColdRow[]): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `\ncold load (bundles as cdk synth writes them; median of ${ROUNDS} fresh-process imports, interleaved, ` +
      `and median of each round's ratio to the floor; ` +
      `Node ${process.versions.node}, ${cpus().length} × ${cpu}):\n`,
  );
  for (const row of rows) {
    const kb = row.bytes / 1000;
    const floor = row.name === FLOOR;
    const verdict = floor ? '' : kb <= MAX_KB && row.ratio <= MAX_RATIO ? 'within budget' : 'OVER BUDGET';
    process.stdout.write(
      `  ${row.name.padEnd(34)} ${kb.toFixed(0).padStart(5)} KB  ${row.medianMs.toFixed(1).padStart(7)} ms  ` +
        `${row.ratio.toFixed(2)}× floor  ${verdict}\n`,
    );
  }
  process.stdout.write(`  budget: ≤ ${MAX_KB} KB and ≤ ${MAX_RATIO}× the floor's import time\n`);
}

/**
 * What the launch wrapper adds to a cold start, outside the import times above: the median wall time of
 * starting Node (an empty script, native send's flags) directly and through the wrapper, alternating, and
 * the median of the pairs' differences. Undefined when the function has no wrapper.
 */
export function launchWrapperCost(functions: ReadonlyMap<string, DeployedFunction>) {
  const deployed = functions.get('native-send');
  if (!deployed?.execWrapper) return undefined;
  const wrapped = lambdaLaunch(deployed);
  const direct = lambdaLaunch({ ...deployed, execWrapper: undefined });
  const startMs = (launch: ReturnType<typeof lambdaLaunch>) => {
    const t0 = performance.now();
    execFileSync(launch.command, [...launch.args, '-e', '0'], {
      env: { PATH: process.env.PATH, ...launch.env },
    });
    return performance.now() - t0;
  };
  const pairs = Array.from({ length: ROUNDS }, (_, round) => {
    // Alternate which goes first.
    if (round % 2 === 0) {
      const d = startMs(direct);
      return [d, startMs(wrapped)] as const;
    }
    const w = startMs(wrapped);
    return [startMs(direct), w] as const;
  });
  return {
    directMs: median(pairs.map(([d]) => d)),
    wrappedMs: median(pairs.map(([, w]) => w)),
    addedMs: median(pairs.map(([d, w]) => w - d)),
  };
}

/** Prints the launch wrapper's start-up cost. */
export function printLaunchWrapperCost(cost: ReturnType<typeof launchWrapperCost>): void {
  if (!cost) return;
  process.stdout.write(
    `\nlaunch wrapper (AWS_LAMBDA_EXEC_WRAPPER, once per cold start; median of ${ROUNDS} paired starts of an ` +
      `empty script): Node ${cost.directMs.toFixed(1)} ms directly, ${cost.wrappedMs.toFixed(1)} ms through ` +
      `the wrapper: ${cost.addedMs >= 0 ? '+' : ''}${cost.addedMs.toFixed(1)} ms per start, median of the pairs\n`,
  );
}

if (process.argv[1]?.endsWith('cold-start.ts')) {
  const dir = mkdtempSync(join(tmpdir(), 'codegate-cold-'));
  try {
    const functions = synthFunctions(join(dir, 'cdk.out'));
    printColdLoad(await coldLoad(functions));
    printLaunchWrapperCost(launchWrapperCost(functions));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
