// Every example in the docs runs (issue 12, "docs that stand alone"): the README's quick start and walkthrough,
// the dialect docs' curl and shell blocks and their JSON examples, run against `npm start` exactly as a
// newcomer runs it, over real HTTP, each printed answer compared with the one the doc shows. Only the
// documented placeholders change: the base URL (the test's service listens on a free port, not 3000), the
// code read from the outbox, and the port DynamoDB Local happens to get. Blocks that cannot run here (they
// need AWS) are listed by name in EXAMPLES and say so in their doc; any other new block fails until listed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../infra/local/server.ts';
import { parseTenants } from '../lib/tenants/load.ts';
import { type LocalProcess, startLocalProcess, stopLocalProcess, userEnv } from './helpers/local-process.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const DOCUMENTED_BASE = 'http://127.0.0.1:3000';

// ---------------------------------------------------------------------------------------------------------
// The docs' fenced blocks, and what becomes of each

interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  /** `doc › first line`: how EXAMPLES names the block. */
  name: string;
  /** The prose between the previous block (or the top) and this one. */
  before: string;
}

function docs(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? under(join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [join(dir, entry.name)]
          : [],
    );
  return ['README.md', ...under('docs')];
}

function blocksOf(doc: string): Block[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  let open: { line: number; lang: string; body: string[] } | undefined;
  let prose: string[] = [];
  lines.forEach((line, index) => {
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!open && fence) {
      open = { line: index + 1, lang: fence[1] ?? '', body: [] };
    } else if (open && line.startsWith('```')) {
      const text = `${open.body.join('\n')}\n`;
      const first = open.body.find((body) => body.trim() !== '')?.trim() ?? '';
      blocks.push({
        doc,
        line: open.line,
        lang: open.lang,
        text,
        name: `${doc} › ${first}`,
        before: prose.join('\n'),
      });
      open = undefined;
      prose = [];
    } else if (open) {
      open.body.push(line);
    } else {
      prose.push(line);
    }
  });
  return blocks;
}

type Treatment =
  /** Run by a test in this file. */
  | { run: 'here' }
  /** Run by another test file, which reads the block from its doc (`reads` is in that file's source). */
  | { run: 'elsewhere'; test: string; reads: string }
  /** The quick start's install-and-run lines: this file runs `npm start`; `npm test` is the suite itself. */
  | { run: 'quick start' }
  /** Needs AWS: its doc says "not runnable locally", and why. */
  | { run: 'not locally'; why: string };

/** The version `npm start` prints in its first line (package.json): the README's quick start shows it. */
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const EXAMPLES: Record<string, Treatment> = {
  'README.md › npm ci && npm start': { run: 'quick start' },
  'README.md › npm ci && npm test': { run: 'quick start' },
  /** What `npm start` prints (a text block; it names the service's address). */
  [`README.md › > codegate@${VERSION} start`]: { run: 'here' },
  'README.md › # 1. Send a registration code through the Acceleronix email API (seed 000)': { run: 'here' },
  "README.md › // The library's documented custom httpClient; it changes only the host Verify requests go to.":
    { run: 'here' },
  'docs/deploy.md › npx cdk deploy -c sesIdentity=mail.example.com': {
    run: 'not locally',
    why: 'deploys to an AWS account',
  },
  'docs/deploy.md › npm run tenants:load -- --help': { run: 'here' },
  /** Both examples of the tenants doc (minimal and full): generated, and loaded as a deployment would. */
  'docs/tenants.md › {': { run: 'elsewhere', test: 'test/tenants-doc.test.ts', reads: 'FULL_EXAMPLE' },
  /** What `npm run simulate:pumping` printed: its shape is the report's, held by the simulation's test. */
  'docs/architecture.md › guard: "enforce": per attacked prefix': {
    run: 'elsewhere',
    test: 'test/pumping-simulation.test.ts',
    reads: '\'guard: "enforce": per attacked prefix\'',
  },
  'docs/deploy.md › npm run verify:deployment -- --stack <stack name> --region <region> --from no-reply@<your verified domain>':
    {
      run: 'not locally',
      why: 'proves a deployed stack (test/verify-deployment-aws.test.ts runs it on mocks)',
    },
  'docs/verify-deployment.md › npm run verify:deployment -- --stack Codegate --region eu-west-1 --from no-reply@mail.example.com':
    {
      run: 'not locally',
      why: 'proves a deployed stack (test/verify-deployment-aws.test.ts runs it on mocks)',
    },
  'docs/verify-deployment.md › npm start                                                   # prints: Codegate listening on http://127.0.0.1:3000':
    { run: 'elsewhere', test: 'test/verify-deployment-local.test.ts', reads: "'--local'" },
  'docs/cost.md › npm run cost                                # the default stack (no context)': {
    run: 'elsewhere',
    test: 'test/cost.test.ts',
    reads: "'infra/admin/cost.ts'",
  },
  'docs/deploy.md › npm run tenants:load -- --table <TableName> --file tenants.json --region <region> --pepper-secret <pepper ARN> --dry-run   # prints the diff':
    {
      run: 'not locally',
      why: 'reads and writes the deployed table (test/tenants-sync.test.ts runs the command on DynamoDB Local)',
    },
  "docs/deploy.md › KEY=$(openssl rand -base64 32 | tr -d '/+=')   # give KEY to the app; keep it out of the file":
    { run: 'here' },
  'docs/deploy.md › npm run suppressions -- list --table <TableName> --region <region>': {
    run: 'not locally',
    why: 'reads the deployed table and the pepper from Secrets Manager',
  },
  'docs/deploy.md › # paste the log line (or a plain trace) on standard input, or name a file': {
    run: 'not locally',
    why: 'maps a line a deployed function logged (test/bundles.test.ts maps a real trace of a bundled function)',
  },
  'docs/deploy.md › aws events put-rule --event-bus-name <EventBusName> --name demo-outcomes \\': {
    run: 'not locally',
    why: "puts a rule on the deployed stack's event bus",
  },
  'docs/deploy.md › aws sns create-sms-sandbox-phone-number --phone-number +14155550123 --language-code en-US --region <region>':
    { run: 'not locally', why: "adds and verifies a destination in the account's SMS sandbox" },
  'docs/deploy.md › aws dynamodb restore-table-to-point-in-time --source-table-name <TableName> \\': {
    run: 'not locally',
    why: "restores the deployed table's point-in-time backup into a new table",
  },
  'docs/deploy.md › {': {
    run: 'elsewhere',
    test: 'test/deploy-doc.test.ts',
    reads: "'## An admin policy for the admin commands'",
  },
  'docs/deploy.md › umask 077 && TENANTS=$(mktemp) && trap \'rm -f "$TENANTS"\' EXIT': {
    run: 'not locally',
    why: 'reads the tenants file from Secrets Manager and loads it into the deployed table',
  },
  'docs/deploy.md › CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true npx cdk synth --no-notices': {
    run: 'elsewhere',
    test: 'test/infra.test.ts',
    reads: "'synth'",
  },
  'docs/dialects/acceleronix.md › printf \'%s\' "13800138000" "3" "76a6L647F02CAoN9" "1744773894369" \\': {
    run: 'here',
  },
  "docs/dialects/acceleronix.md › phone=13800138000 codeType=3 random=$(head -c 512 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 16)":
    { run: 'here' },
  'docs/dialects/acceleronix.md › "sms": {': { run: 'here' },
  "docs/dialects/eiam.md › H='-H X-operating-sys-version:windows10.1.1 -H X-device-fingerprint:156aysdna213sc50 -H X-agent:curl -H X-client-id:nTo1eRIub60vPb54WeE6aojPwYwImtl4'":
    { run: 'elsewhere', test: 'test/captcha-local.test.ts', reads: 'walkthrough:start' },
  'docs/dialects/eiam.md › {': { run: 'here' },
  'docs/dialects/fresns.md › { "code": 0, "message": "ok", "data": null }': { run: 'here' },
  'docs/dialects/fresns.md › { "fresns": { "templates": { "email": [1, 2, 3, 4, 5, 6, 7, 8], "sms": [2, 5, 7] } } }':
    {
      run: 'here',
    },
  'docs/dialects/twilio.md › "twilio": {': { run: 'here' },
  'docs/events.md › {': { run: 'here' },
  'README.md › # A code by WhatsApp through the native API ("channel":"voice" places a call instead)': {
    run: 'elsewhere',
    test: 'test/channels-whatsapp-voice.test.ts',
    reads: "'README.md'",
  },
  'docs/whatsapp-voice.md › {': {
    run: 'elsewhere',
    test: 'test/channels-whatsapp-voice.test.ts',
    reads: "'docs/whatsapp-voice.md'",
  },
  'docs/whatsapp-voice.md › npm run suppressions -- add --channel whatsapp --to +14155550123 --table <table> --pepper-secret <arn>':
    { run: 'not locally', why: 'writes to the deployed table with its pepper secret' },
};

/** Blocks that are examples: any with a language other than plain text, and any that calls the service. */
function isExample(block: Block): boolean {
  if (block.lang !== '' && block.lang !== 'text') return true;
  return /\bcurl\b|\bnpm (?:run|start|test)\b|\bnpx\b|127\.0\.0\.1:3000/.test(block.text);
}

const ALL_BLOCKS = docs().flatMap(blocksOf);
const block = (name: string): Block => {
  const found = ALL_BLOCKS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no block ${name}`);
  return found;
};

// ---------------------------------------------------------------------------------------------------------
// Shell steps and their documented answers

interface Step {
  command: string;
  /** The comment lines right after the command: what it prints. */
  documented: string;
  /** Assignments earlier in the block (re-run before the command, so each step runs on its own). */
  setup: string[];
}

/** A shell block's steps: each command that is not an assignment, with the answer documented under it. */
function stepsOf(text: string): Step[] {
  const logical: string[] = [];
  for (const line of text.split('\n')) {
    const last = logical.at(-1);
    if (last?.endsWith('\\')) logical[logical.length - 1] = `${last}\n${line}`;
    else logical.push(line);
  }
  const steps: Step[] = [];
  const assignments: string[] = [];
  let current: Step | undefined;
  for (const line of logical) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) {
      if (current) current.documented += `${trimmed.replace(/^#\s?/, '').trim()}\n`;
      continue;
    }
    if (current) {
      steps.push(current);
      current = undefined;
    }
    if (trimmed === '') continue;
    if (/^[A-Za-z_]\w*=/.test(trimmed)) assignments.push(line);
    else current = { command: line, documented: '', setup: [...assignments] };
  }
  if (current) steps.push(current);
  return steps;
}

/** The documented answer as a pattern: `…` or `...` stand for any text, whitespace is free. */
function documentedPattern(documented: string, values: Record<string, string> = {}): RegExp {
  let text = documented.trim();
  for (const [placeholder, value] of Object.entries(values)) text = text.replaceAll(placeholder, value);
  const body = text
    .split(/\.\.\.|…/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*'))
    .join('[\\s\\S]*?');
  return new RegExp(`^\\s*${body}\\s*$`);
}

/** npm's own banner (`> codegate@… script` and the command) is not part of a command's documented answer. */
function withoutNpmBanner(output: string): string {
  return output.replace(/^(?:\s*\n)*(?:> .*\n)+\s*\n?/, '');
}

let base = '';
async function runStep(step: Step, values: Record<string, string> = {}): Promise<string> {
  let script = [...step.setup, step.command].join('\n').replaceAll(DOCUMENTED_BASE, base);
  for (const [placeholder, value] of Object.entries(values)) script = script.replaceAll(placeholder, value);
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined },
    timeout: 60_000,
  });
  return withoutNpmBanner(stdout);
}

async function expectDocumented(step: Step, values: Record<string, string> = {}): Promise<string> {
  expect(step.documented, `no documented answer under: ${step.command}`).not.toBe('');
  const output = await runStep(step, values);
  expect(output).toMatch(documentedPattern(step.documented, values));
  return output;
}

// ---------------------------------------------------------------------------------------------------------
// `npm start`, as the README runs it (on a free port instead of 3000)

let started: LocalProcess;

beforeAll(async () => {
  started = await startLocalProcess('npm', ['start'], {
    cwd: ROOT,
    env: userEnv('0'),
    readyWithinMs: 90_000,
  });
  base = started.url;
}, 120_000);

afterAll(() => stopLocalProcess(started?.child), 20_000);

const outboxCode = async (to: string): Promise<string> => {
  const response = await fetch(`${base}/_local/outbox?to=${encodeURIComponent(to)}`);
  const { messages } = (await response.json()) as { messages: { text: string }[] };
  const code = /\b(\d{4,10})\b/.exec(messages[0]?.text ?? '')?.[1];
  if (!code) throw new Error(`no code in the outbox for ${to}`);
  return code;
};

// ---------------------------------------------------------------------------------------------------------

describe('the docs’ examples are all accounted for', () => {
  it('every example block is listed, and every listed block exists', () => {
    const examples = ALL_BLOCKS.filter(isExample).map((found) => found.name);
    expect(examples.length).toBeGreaterThan(15);
    const unlisted = examples.filter((name) => !(name in EXAMPLES));
    expect(unlisted, 'a new example: run it in test/docs-examples.test.ts, or list it in EXAMPLES').toEqual(
      [],
    );
    const gone = Object.keys(EXAMPLES).filter((name) => !examples.includes(name));
    expect(gone).toEqual([]);
  });

  it('each block that cannot run locally says so in its doc', () => {
    const unmarked = Object.entries(EXAMPLES)
      .filter(([, treatment]) => treatment.run === 'not locally')
      .filter(([name]) => !/not runnable locally/i.test(block(name).before.split('\n').slice(-6).join(' ')));
    expect(unmarked.map(([name]) => name)).toEqual([]);
  });

  it('a block run by another test file is read by that file', () => {
    for (const [name, treatment] of Object.entries(EXAMPLES)) {
      if (treatment.run !== 'elsewhere') continue;
      const source = readFileSync(join(ROOT, treatment.test), 'utf8');
      expect(source, name).toContain(treatment.reads);
    }
  });

  it('the step parser splits commands, setup and documented answers', () => {
    const steps = stepsOf(
      'a=1 b=$(x)\ncurl -s \'u\' \\\n  -d \'{}\'\n# {"ok":true,\n#  "n":1}\n\n# 2. next\necho hi\n',
    );
    expect(steps).toEqual([
      { command: "curl -s 'u' \\\n  -d '{}'", documented: '{"ok":true,\n"n":1}\n', setup: ['a=1 b=$(x)'] },
      { command: 'echo hi', documented: '', setup: ['a=1 b=$(x)'] },
    ]);
    expect('{"a":1,"b":"x y z","c":2}').toMatch(documentedPattern('{"a":1, "b":"x …", …}'));
    expect('{"a":2}').not.toMatch(documentedPattern('{"a":1}'));
    expect('{"code":"654321"}').toMatch(documentedPattern('{"code":"123456"}', { '123456': '654321' }));
  });
});

describe('README', () => {
  it('npm start prints what the quick start shows: DynamoDB Local’s endpoint, the local outbox, the address', () => {
    const shown = block(`README.md › > codegate@${VERSION} start`);
    const dynamodb = /^DynamoDB Local \(embedded[^)]*\): (http:\/\/127\.0\.0\.1:\d+)$/m.exec(
      started.stdout(),
    )?.[1];
    expect(dynamodb).toBeDefined();
    // The placeholders: 3000 is the port the test did not ask for, DynamoDB Local's port differs each start.
    const expected = shown.text
      .replaceAll(DOCUMENTED_BASE, base)
      .replace(/(DynamoDB Local \(embedded[^)]*\): )http:\/\/127\.0\.0\.1:\d+/, `$1${dynamodb}`);
    // npm starts with an empty line; the README's block starts at npm's banner.
    const printed = started.stdout().replace(/^\n+/, '');
    expect(printed.startsWith(expected), `${printed}\n≠\n${expected}`).toBe(true);
    // No notice about Node versions, no stack trace: a quiet start.
    expect(started.stderr()).toBe('');
  });

  it('the port message it quotes is the one a taken port gives', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quoted = /a port in use stops the start with\s+`([^`]+)`/.exec(readme)?.[1];
    expect(quoted).toBe(new PortInUseError(3000).message);
  });

  it('the walkthrough prints what it shows, and the console prints the outbox line it quotes', async () => {
    const steps = stepsOf(
      block('README.md › # 1. Send a registration code through the Acceleronix email API (seed 000)').text,
    );
    expect(steps.map((step) => step.command.split(' ')[0])).toEqual(['curl', 'curl', 'curl', 'curl', 'curl']);
    const [send, outbox, check, again, events] = steps as [Step, Step, Step, Step, Step];
    await expectDocumented(send);
    // The documented placeholder: the code read from the outbox, where the doc shows 123456.
    const code = await outboxCode('alice@example.com');
    await expectDocumented(outbox, { '123456': code });
    await expectDocumented(check, { '123456': code });
    await expectDocumented(again, { '123456': code });
    // Events arrive from the table's stream, a moment after the write: ask again until one is there.
    let printed = '';
    for (let attempt = 0; attempt < 120 && !printed.includes('verification.approved'); attempt++) {
      printed = await runStep(events);
      if (!printed.includes('verification.approved')) await new Promise((done) => setTimeout(done, 250));
    }
    expect(printed).toMatch(documentedPattern(events.documented));

    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quoted = /`(\[outbox\][^`]*)`/.exec(readme)?.[1];
    expect(quoted).toBeDefined();
    const shownCode = /is (\d{6})\./.exec(quoted ?? '')?.[1] ?? '';
    const line = started
      .stdout()
      .split('\n')
      .find((printedLine) => printedLine.startsWith('[outbox] email to alice'));
    expect(line).toMatch(documentedPattern(quoted ?? '', { [shownCode]: code }));
  }, 90_000);

  it('"Coming from Twilio Verify": the snippet starts and checks a verification with the official client', async () => {
    const snippet = block(
      "README.md › // The library's documented custom httpClient; it changes only the host Verify requests go to.",
    ).text;
    const [setup, usage] = snippet.split('// Unchanged:');
    const [create, check] = (usage ?? '').trim().split('\n') as [string, string];
    const to = /to: '([^']+)'/.exec(create)?.[1] ?? '';
    expect(to).toMatch(/^\+\d+$/);
    // Placeholders: the environment names the README gives, the service sid, the base URL, and the code.
    const body = `${(setup ?? '').replace("'https://verify.example.com'", 'base')}
${create}
const code = await codeFor(to);
${check}
return check;`;
    // biome-ignore lint/complexity/useArrowFunction: the constructor of async functions
    const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
    const runSnippet = new AsyncFunction('twilio', 'process', 'serviceSid', 'to', 'base', 'codeFor', body);
    const result = await runSnippet(
      twilio,
      {
        env: {
          CODEGATE_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
          CODEGATE_AUTH_TOKEN: 'demo-twilio-auth-token',
        },
      },
      'VA0123456789abcdef0123456789abcdef',
      to,
      base,
      outboxCode,
    );
    expect({ status: result.status, valid: result.valid, to: result.to }).toEqual({
      status: 'approved',
      valid: true,
      to,
    });
  }, 60_000);
});

describe('docs/dialects/acceleronix.md', () => {
  it('the signature example prints the digest the doc gives', async () => {
    const [step] = stepsOf(
      block(
        'docs/dialects/acceleronix.md › printf \'%s\' "13800138000" "3" "76a6L647F02CAoN9" "1744773894369" \\',
      ).text,
    );
    const output = await expectDocumented(step as Step);
    expect(output).toContain('adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891');
  });

  it('signing a live request for the demo tenant sends the SMS', async () => {
    const steps = stepsOf(
      block(
        "docs/dialects/acceleronix.md › phone=13800138000 codeType=3 random=$(head -c 512 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 16)",
      ).text,
    );
    expect(steps).toHaveLength(1);
    await expectDocumented(steps[0] as Step);
    expect(await outboxCode('+8613800138000')).toMatch(/^\d{6}$/);
  });

  it('the enterprise SMS settings are a valid tenant config', () => {
    const fragment = JSON.parse(`{${block('docs/dialects/acceleronix.md › "sms": {').text}}`);
    expect(() => demoTenantWith(fragment)).not.toThrow();
    expect(demoTenantWith(fragment).sms.enterprise?.signatureId).toBe('sig-demo');
  });
});

describe('docs/dialects/fresns.md, eiam.md, twilio.md, events.md', () => {
  it('a Fresns send answers the success envelope the doc shows, byte for byte', async () => {
    const response = await fetch(`${base}/api/v2/common/send-verify-code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'email', useType: 5, templateId: 1, account: 'docs-fresns@example.com' }),
    });
    const shown = JSON.parse(
      block('docs/dialects/fresns.md › { "code": 0, "message": "ok", "data": null }').text,
    );
    expect(await response.json()).toEqual(shown);
  });

  it('the Fresns template switches are a valid tenant config', () => {
    const fragment = JSON.parse(
      block(
        'docs/dialects/fresns.md › { "fresns": { "templates": { "email": [1, 2, 3, 4, 5, 6, 7, 8], "sms": [2, 5, 7] } } }',
      ).text,
    );
    expect(demoTenantWith(fragment).fresns?.templates?.sms).toEqual([2, 5, 7]);
  });

  it('the Twilio config block, its placeholders filled in, is a valid tenant config', () => {
    const text = block('docs/dialects/twilio.md › "twilio": {')
      .text.replaceAll('AC…', 'AC0123456789abcdef0123456789abcdef')
      .replaceAll('VA…', 'VA0123456789abcdef0123456789abcdef')
      .replaceAll('<sha256 hex of the auth token>', createHash('sha256').update('a token').digest('hex'));
    const tenant = demoTenantWith(JSON.parse(`{${text}}`));
    expect(tenant.twilio?.services[0]?.friendlyName).toBe('Codegate Demo');
  });

  it('the EIAM challenge has the fields the doc shows', async () => {
    const shown = JSON.parse(block('docs/dialects/eiam.md › {').text);
    const response = await fetch(`${base}/api/v2/sdk/captcha`, {
      headers: {
        'x-operating-sys-version': 'linux',
        'x-device-fingerprint': 'docs-examples',
        'x-agent': 'vitest',
        'x-client-id': 'nTo1eRIub60vPb54WeE6aojPwYwImtl4',
      },
    });
    expect(response.status).toBe(200);
    expect(shapeOf(await response.json())).toEqual(shapeOf(shown));
  });

  it('the event envelope has the fields of a real verification.approved event', async () => {
    const shown = JSON.parse(block('docs/events.md › {').text);
    // The README walkthrough approved a code; its event is on the local bus (waited for above).
    const response = await fetch(`${base}/_local/events?type=verification.approved`);
    const { events } = (await response.json()) as { events: Record<string, unknown>[] };
    const real = events[0];
    expect(real).toBeDefined();
    expect(real?.source).toBe(shown.source);
    expect(real?.['detail-type']).toBe(shown['detail-type']);
    expect(shapeOf(real?.detail)).toEqual(shapeOf(shown.detail));
    expect(String((real?.detail as { verificationId?: string } | undefined)?.verificationId)).toMatch(/^vf_/);
  });
});

describe('docs/deploy.md', () => {
  it('tenants:load --help and a dry run of a file print what the doc shows', async () => {
    const steps = stepsOf(block('docs/deploy.md › npm run tenants:load -- --help').text);
    expect(steps).toHaveLength(2);
    for (const step of steps) await expectDocumented(step);
  }, 60_000);

  it('the API key recipe prints a SHA-256 that the tenants file accepts', async () => {
    const script = block(
      "docs/deploy.md › KEY=$(openssl rand -base64 32 | tr -d '/+=')   # give KEY to the app; keep it out of the file",
    ).text;
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script]);
    const hash = stdout.trim();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(demoTenantWith({ apiKeySha256: [hash] }).apiKeySha256).toEqual([hash]);
  });
});

// ---------------------------------------------------------------------------------------------------------

/** The demo tenant with one part replaced, through the tenants file's own validation. */
function demoTenantWith(part: Record<string, unknown>) {
  const file = JSON.parse(readFileSync(join(ROOT, 'config/tenants.demo.json'), 'utf8'));
  const demo = { ...file.tenants[0], ...part };
  const parsed = parseTenants(JSON.stringify({ tenants: [demo] }), 'a doc example');
  const tenant = parsed.tenants[0];
  if (!tenant) throw new Error('no tenant');
  return tenant;
}

/** Keys and value types, recursively (arrays by their first element): what "the same shape" means here. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length > 0 ? shapeOf(value[0]) : 'empty'];
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, shapeOf(inner)]),
    );
  return value === null ? 'null' : typeof value;
}
