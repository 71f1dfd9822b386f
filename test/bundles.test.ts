// Every function's bundle, exactly as `npx cdk synth` builds it (the CLI run ops make, offline and without an AWS
// account, checked here too; the suite's one bundling of all the functions), stays within the cold-start budget of 450 KB
// minified, and carries none of what Lambda never runs: the SDK's default credential chain, event streams,
// the full zod, the local mailbox simulator, a source map. (Import time is a bench figure, `npm run
// bench:cold`: no timing assertions here.) `npm run stack` maps a deployed function's stack trace back to
// the sources through a second build with maps: the same code, proven here, and a real trace mapped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAUNCH_WRAPPER, PROJECT_ROOT } from '../infra/bundling.ts';
import { FEEDBACK_GRANTS } from '../infra/feedback.ts';
import { ROUTES } from '../lib/routes.ts';
import { lambdaLaunch, MAX_KB } from '../scripts/cold-start.ts';
import { mapPositions, traceOf } from '../scripts/stack.ts';
import { assemblyFunctions, type DeployedFunction, synthBundles } from '../scripts/synth-functions.ts';
import { CDK_JSON_CONTEXT } from './helpers/apps.ts';
import { runCdk } from './helpers/cdk-cli.ts';

/** The stack the CLI synthesizes here: `-c stackName` names another copy beside `Codegate`. */
const CLI_STACK = 'codegate-staging';

/** The functions the source-map build makes. */
const MAPPED = ['native-send', 'twilio-create-verification', 'eiam-captcha-get'];

let dir: string;
/** What `npx cdk synth` answered. */
let cli: { code: number | null; output: string };
/** Every function as the template deploys it (bundle, memory size, launch wrapper), by name. */
let functions: Map<string, DeployedFunction>;
let bundles: Map<string, string>;
/** The same functions built as `npm run stack` builds them: with a map beside each bundle. */
let mapped: Map<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'codegate-bundles-'));
  cli = await runCdk([
    'synth',
    '--quiet',
    '--no-notices',
    '-c',
    `stackName=${CLI_STACK}`,
    '--output',
    join(dir, 'cdk.out'),
  ]);
  if (cli.code !== 0) throw new Error(`npx cdk synth failed:\n${cli.output}`);
  functions = assemblyFunctions(join(dir, 'cdk.out'), CLI_STACK, {
    ...CDK_JSON_CONTEXT,
    stackName: CLI_STACK,
  });
  bundles = new Map([...functions].map(([name, deployed]) => [name, deployed.file]));
  // The build `npm run stack` makes, for three functions of different kinds (a send, a Twilio create, the captcha
  // images): one function's map is all that tool builds, and a whole second stack build would double this file.
  mapped = synthBundles(join(dir, 'cdk.maps'), { sourceMaps: true, routes: MAPPED });
}, 600_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cdk CLI', () => {
  it('`npx cdk synth -c stackName=…` succeeds offline with no AWS account and names the stack', () => {
    expect(cli.code, cli.output).toBe(0);
    // No construct trace beside the placeholder-identity warning (the App keeps no stack traces).
    expect(cli.output).toContain('No sesIdentity context given');
    expect(cli.output).not.toMatch(/infra\/stack\.ts:\d+/);
    // cdk.json sets every recommended feature flag.
    expect(cli.output).not.toMatch(/feature flags are not configured/);
    const out = join(dir, 'cdk.out');
    const templates = readdirSync(out).filter((file) => file.endsWith('.template.json'));
    // -c stackName names the stack (and its template): a second copy beside `Codegate`.
    expect(templates).toEqual([`${CLI_STACK}.template.json`]);
    const synthesized = JSON.parse(readFileSync(join(out, `${CLI_STACK}.template.json`), 'utf8'));
    const lambdas = Object.values(synthesized.Resources as Record<string, { Type: string }>).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    expect(lambdas).toHaveLength(ROUTES.length + Object.keys(FEEDBACK_GRANTS).length);
  });
});

describe('function bundles', () => {
  it('are one per route plus the feedback loops’ two', () => {
    expect(ROUTES.every((route) => bundles.has(route.name))).toBe(true);
    expect(bundles.size).toBe(ROUTES.length + 2);
  });

  it(`are each at most ${MAX_KB} KB`, () => {
    const over = [...bundles]
      .map(([name, file]) => ({ name, kb: statSync(file).size / 1000 }))
      .filter(({ kb }) => kb > MAX_KB);
    expect(over, JSON.stringify(over)).toEqual([]);
  });

  it('leave out the default credential chain, event streams, full zod and the mailbox simulator', () => {
    // Marks of each left-out part, as they survive minification (error messages and class names).
    const marks = [
      'Could not load credentials from any providers', // @aws-sdk/credential-provider-node
      'AWS_CONTAINER_CREDENTIALS_FULL_URI', // container and instance metadata providers
      'sso_start_url', // SSO and ini-file providers
      'Reported message length does not match received message length', // @smithy/core/event-streams
      '"ZodString"', // full zod (mini's is ZodMiniString): the SES notification parser, the tenant schema
      'Amazon SES Mailbox Simulator', // lib/suppression/simulator.ts
      'mnemonist/lru-cache: capacity', // endpoint discovery's cache (lib/bundle/endpoint-discovery.ts stands in)
    ];
    for (const [name, file] of bundles) {
      const text = readFileSync(file, 'utf8');
      expect(
        marks.filter((mark) => text.includes(mark)),
        name,
      ).toEqual(name === 'Feedback/Consumer' ? ['"ZodString"'] : []);
    }
  });

  it('of the routes that only send carry the send engine alone: no check, lookup or attempt-log code', () => {
    // Methods of the whole store beyond SendStore's (class members keep their names through minification).
    const marks = ['consumeCode', 'getExternalLookup', 'listAttempts'];
    const has = (name: string) => {
      const code = readFileSync(bundles.get(name) as string, 'utf8');
      return marks.filter((mark) => code.includes(mark));
    };
    expect(has('native-check')).toEqual(marks);
    const sending = ROUTES.filter((route) =>
      readFileSync(join(PROJECT_ROOT, 'functions', `${route.name}.ts`), 'utf8').includes('sendingEndpoint('),
    ).map((route) => route.name);
    expect(sending).toEqual(expect.arrayContaining(['native-send', 'twilio-create-verification']));
    for (const name of sending) expect(has(name), name).toEqual([]);
  });

  it('read Lambda’s environment credentials (the stand-in for the default chain is in every bundle)', () => {
    for (const [name, file] of bundles) {
      expect(
        readFileSync(file, 'utf8').includes('Unable to find environment variable credentials'),
        name,
      ).toBe(true);
    }
  });
});

describe('every function as deployed by default', () => {
  it.each(ROUTES)('$name is minified ESM with the AWS SDK inside and no source map', (route) => {
    const code = readFileSync(bundles.get(route.name) as string, 'utf8');
    // Static imports of the bundle: only Node built-ins (the banner's node:module), never @aws-sdk.
    const imported = [...code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{}\s,]+from\s*)?["']([^"']+)["']/g)].map(
      (m) => m[1],
    );
    expect(imported.length).toBeGreaterThan(0);
    for (const specifier of imported) expect(specifier).toMatch(/^node:/);
    expect(code).not.toMatch(/\bimport\(\s*["']@aws-sdk/);
    // The SDK's own code is in the bundle.
    expect(code).toContain('DynamoDBClient');
    // Minified: few, very long lines.
    const lines = code.split('\n');
    expect(code.length / lines.length).toBeGreaterThan(1000);
  });

  it.each(ROUTES)(
    '$name carries exactly the providers its route declares (no WhatsApp or voice by default)',
    (route) => {
      const code = readFileSync(bundles.get(route.name) as string, 'utf8');
      // Client and drawing code are dropped at bundle time where the route does not use them. The clients'
      // operation names (their schemas' strings) survive minification; class names do not.
      expect(code.includes('"SendEmail"')).toBe(route.access.mail === true);
      expect(code.includes('"Publish"')).toBe(route.access.sms === true);
      expect(code.includes('IHDR')).toBe(route.access.captchaImages === true);
      expect(code.includes('"SendWhatsAppMessage"')).toBe(false);
      expect(code.includes('"SendVoiceMessage"')).toBe(false);
    },
  );
});

describe('source maps', () => {
  it('are not deployed: no map beside any bundle, no sourceMappingURL in it', () => {
    for (const [name, file] of bundles) {
      expect(existsSync(`${file}.map`), name).toBe(false);
      expect(readFileSync(file, 'utf8').includes('sourceMappingURL'), name).toBe(false);
    }
  });

  it('come, for `npm run stack`, from a build whose code is byte for byte the deployed code', () => {
    for (const name of MAPPED) expect(mapped.has(name), name).toBe(true);
    for (const [name, file] of mapped) {
      const code = readFileSync(file, 'utf8');
      expect(code.endsWith('//# sourceMappingURL=index.mjs.map\n'), name).toBe(true);
      expect(code.replace(/\/\/# sourceMappingURL=index\.mjs\.map\n$/, ''), name).toBe(
        readFileSync(bundles.get(name) as string, 'utf8'),
      );
    }
  });

  it('map a deployed function’s logged stack trace back to the line that threw', () => {
    // The deployed native-send bundle, started without TABLE_NAME: its configuration check throws, and
    // the endpoint logs `request failed` with the error's stack (minified positions).
    const deployed = bundles.get('native-send') as string;
    const invoke = `
      const { handler } = await import(process.argv[1]);
      await handler({ version: '2.0', rawPath: '/v1/verifications', rawQueryString: '', body: '{}',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, isBase64Encoded: false,
        requestContext: { http: { method: 'POST', path: '/v1/verifications', sourceIp: '192.0.2.1' }, requestId: 'r' } },
        { awsRequestId: 'r', functionName: 'native-send', getRemainingTimeInMillis: () => 1000 });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', invoke, deployed], {
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_DISABLED: 'true' },
      encoding: 'utf8',
    });
    const output = `${run.stdout}\n${run.stderr}`;
    const line = output.split('\n').find((candidate) => candidate.includes('"request failed"'));
    expect(line, output).toBeDefined();
    const trace = traceOf(line as string);
    expect(trace).toMatch(/index\.mjs:\d+:\d+/);
    // The deployed bundle has no map: mapping goes through the map of the same code built with one.
    const frames = mapPositions(trace, mapped.get('native-send') as string)
      .split('\n')
      .filter((frame) => frame.trimStart().startsWith('at '));
    expect(frames.some((frame) => /index\.mjs:\d+:\d+/.test(frame))).toBe(false);
    const top = frames[0]?.match(/\((lib\/[\w/-]+\.ts):(\d+):(\d+)\)$/);
    expect(top, frames.join('\n')).not.toBeNull();
    const [, source = '', lineNo = '0'] = top ?? [];
    const thrower = readFileSync(join(PROJECT_ROOT, source), 'utf8').split('\n')[Number(lineNo) - 1];
    expect(thrower).toContain('throw new Error(`Codegate configuration is invalid');
    expect(dirname(source)).toBe('lib');
  });
});

describe('the launch wrapper', () => {
  /** What a Node process started this way runs with: its flags, its script's arguments, its young generation. */
  const probe = (command: string, args: string[]) => {
    const script = join(dir, 'probe.mjs');
    writeFileSync(
      script,
      "import v8 from 'node:v8';\n" +
        'const old = Number(process.execArgv.findLast((flag) => flag.startsWith("--max-old-space-size="))?.split("=")[1] ?? 0);\n' +
        'process.stdout.write(JSON.stringify({ execArgv: process.execArgv, argv: process.argv.slice(2),\n' +
        '  youngMb: v8.getHeapStatistics().heap_size_limit / 1048576 - old }));\n',
    );
    const run = spawnSync(command, [...args, script, 'one', 'two words'], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout) as { execArgv: string[]; argv: string[]; youngMb: number };
  };

  it('is beside every bundle, executable, and named by the function’s AWS_LAMBDA_EXEC_WRAPPER', () => {
    const source = readFileSync(join(PROJECT_ROOT, LAUNCH_WRAPPER.source), 'utf8');
    for (const [name, deployed] of functions) {
      // synthFunctions maps the variable's /var/task/ path into the function's asset.
      expect(deployed.execWrapper, name).toBe(join(dirname(deployed.file), LAUNCH_WRAPPER.file));
      const wrapper = deployed.execWrapper as string;
      expect(readFileSync(wrapper, 'utf8'), name).toBe(source);
      // Lambda refuses a wrapper that is not executable; the CLI zips each file with its mode.
      expect(statSync(wrapper).mode & 0o111, name).toBe(0o111);
    }
  });

  it('starts Node as the runtime’s bootstrap would, every flag kept but the semi-space: 4 MB, not 16', () => {
    const deployed = functions.get('native-send') as DeployedFunction;
    expect(deployed.memorySize).toBe(256);
    const bootstrap = lambdaLaunch({ ...deployed, execWrapper: undefined });
    const wrapped = lambdaLaunch(deployed);
    expect(wrapped.command).toBe(deployed.execWrapper);
    const direct = probe(bootstrap.command, bootstrap.args);
    const through = probe(wrapped.command, wrapped.args);
    // Without the wrapper: the runtime's 12 MB semi-space, rounded up to 16 by V8 (three of them).
    expect(direct.execArgv).toContain('--max-semi-space-size=12');
    expect(direct.youngMb).toBe(48);
    expect(through.youngMb).toBe(12);
    expect(through.execArgv).toEqual([
      '--max-semi-space-size=4',
      ...direct.execArgv.filter((flag) => flag !== '--max-semi-space-size=12'),
    ]);
    expect(through.argv).toEqual(['one', 'two words']);
    expect(direct.argv).toEqual(through.argv);
  });

  it('sets the semi-space also when the runtime gives none', () => {
    const wrapper = functions.get('native-check')?.execWrapper as string;
    const started = probe(wrapper, [process.execPath, '--expose-gc']);
    expect(started.execArgv).toEqual(['--max-semi-space-size=4', '--expose-gc']);
    expect(started.argv).toEqual(['one', 'two words']);
  });
});
