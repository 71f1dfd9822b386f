// How every function is bundled (infra/bundling.ts): the SDK trims leave the wire unchanged and leave out what they
// claim to, and the module stand-ins leave out nothing the bundled SDK reads. test/bundles.test.ts holds the stack's
// real bundles to the size budget; this file proves the trims that get them there are the same code.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientPackageInfo, foldSchemaKeys, functionBuildOptions, PROJECT_ROOT } from '../infra/bundling.ts';
import { ServiceFunction } from '../infra/service-function.ts';
import { removeTempApps, tempApp } from './helpers/apps.ts';

type Probe = typeof import('./fixtures/sdk-wire-probe.ts');

let dir: string;
const built: Record<'trimmed' | 'plain', { text: string; probe: Awaited<ReturnType<Probe['probe']>> }> =
  {} as never;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'codegate-bundling-'));
  for (const kind of ['trimmed', 'plain'] as const) {
    const outfile = join(dir, kind, 'index.mjs');
    const entry = join(PROJECT_ROOT, 'test/fixtures/sdk-wire-probe.ts');
    await build({
      ...functionBuildOptions({ entry, outfile, define: {}, trims: kind === 'trimmed' }),
      logLevel: 'silent',
    });
    const module = (await import(pathToFileURL(outfile).href)) as Probe;
    built[kind] = { text: readFileSync(outfile, 'utf8'), probe: await module.probe() };
  }
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeTempApps();
});

describe('the SDK trims', () => {
  it('put the same requests on the wire as the untrimmed SDK, user agent versions included', () => {
    const { requests } = built.trimmed.probe;
    expect(requests.map((request) => `${request.method} ${request.hostname}${request.path}`)).toEqual([
      'POST social-messaging.eu-west-1.amazonaws.com/v1/whatsapp/send',
      'POST social-messaging.eu-west-1.amazonaws.com/v1/whatsapp/send',
      'POST sms-voice.eu-west-1.amazonaws.com/',
      'POST email.eu-west-1.amazonaws.com/',
      'POST sns.eu-west-1.amazonaws.com/',
      'POST secretsmanager.eu-west-1.amazonaws.com/',
      'POST dynamodb.eu-west-1.amazonaws.com/',
      'POST dynamodb.eu-west-1.amazonaws.com/',
    ]);
    const version = (client: string) =>
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules/@aws-sdk', client, 'package.json'), 'utf8'))
        .version;
    expect(requests[0]?.headers['x-amz-user-agent']).toBe(`aws-sdk-js/${version('client-socialmessaging')}`);
    expect(requests[6]?.headers['x-amz-user-agent']).toBe(`aws-sdk-js/${version('client-dynamodb')}`);
    expect(requests).toEqual(built.plain.probe.requests);
  });

  it('read the same answers and the same errors, each error of its own class', () => {
    const { results } = built.trimmed.probe;
    expect(results).toEqual(built.plain.probe.results);
    expect(results[0]).toEqual({ ok: { messageId: 'wamid.1' } });
    expect(results[1]).toMatchObject({ error: 'ValidationException', fault: 'client' });
    expect(results[3]).toEqual({ ok: { MessageId: 'mail-1' } });
    expect(results[7]).toMatchObject({
      error: 'TransactionCanceledException',
      cancelled: true,
      reasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
  });

  it('leave out the schemas of operations never called, the packages’ other fields and unused document commands', () => {
    const marks = [
      '/v1/whatsapp/signup', // a WhatsApp operation Codegate never calls (AssociateWhatsAppBusinessAccount)
      'Client for Node.js, Browser and React Native', // the clients' package.json descriptions
      '"ScanInput"', // lib-dynamodb's Scan, kept only by its paginator
    ];
    expect(marks.filter((mark) => built.plain.text.includes(mark))).toEqual(marks);
    expect(marks.filter((mark) => built.trimmed.text.includes(mark))).toEqual([]);
    expect(built.trimmed.text.length).toBeLessThan(built.plain.text.length - 20_000);
  });

  it('fold only computed keys that name a string constant, only in modules with HTTP bindings', () => {
    const rest = [
      'const _ht = "http";',
      'const _hH = "httpHeader";',
      'export var A$ = [9, n0, _A, { [_ht]: ["POST", "/a", 200] }, () => B$];',
      'export var B$ = [3, n0, _B, 0, [_x], [[0, { [_hH]: _h, [other]: 1 }]]];',
    ].join('\n');
    expect(foldSchemaKeys(rest)).toBe(
      [
        'const _ht = "http";',
        'const _hH = "httpHeader";',
        'export var A$ = [9, n0, _A, { "http": ["POST", "/a", 200] }, () => B$];',
        'export var B$ = [3, n0, _B, 0, [_x], [[0, { "httpHeader": _h, [other]: 1 }]]];',
      ].join('\n'),
    );
    const query = 'const _xN = "xmlName";\nexport var C$ = [3, n0, _C, { [_xN]: "C" }];';
    expect(foldSchemaKeys(query)).toBe(query);
  });

  it('keep of a client package.json exactly what every bundled client reads of it: its version', () => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const clients = Object.keys(manifest.dependencies).filter((name) => name.startsWith('@aws-sdk/client-'));
    expect(clients.length).toBeGreaterThanOrEqual(6);
    const require = createRequire(join(PROJECT_ROOT, 'package.json'));
    for (const client of clients) {
      const esm = join(dirname(require.resolve(`${client}/package.json`)), 'dist-es');
      const reads = new Set<string>();
      for (const file of readdirSync(esm).filter((name) => name.endsWith('.js'))) {
        const source = readFileSync(join(esm, file), 'utf8');
        if (!source.includes('packageInfo')) continue;
        for (const [, use] of source.matchAll(/\bpackageInfo\b(\.\w+)?/g)) reads.add(use ?? '(whole)');
      }
      // The import itself is the one bare mention.
      expect([...reads].sort(), client).toEqual(['(whole)', '.version']);
      const version = JSON.parse(readFileSync(require.resolve(`${client}/package.json`), 'utf8')).version;
      expect(
        JSON.parse(clientPackageInfo(readFileSync(require.resolve(`${client}/package.json`), 'utf8'))),
      ).toEqual({
        version,
      });
    }
  });
});

describe('lib-dynamodb, marked side-effect free by the trims', () => {
  it('runs nothing on import but declarations and createPaginator, which only builds a function', () => {
    const require = createRequire(join(PROJECT_ROOT, 'package.json'));
    const root = join(dirname(require.resolve('@aws-sdk/lib-dynamodb/package.json')), 'dist-es');
    const effects: string[] = [];
    const walk = (at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const path = join(at, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js'))
          for (const line of readFileSync(path, 'utf8').split('\n')) {
            // A top-level statement: anything at column 0 but a declaration, an import or a closing brace.
            if (/^\s/.test(line)) continue;
            if (
              /^(import|export \{|export \*|export (async )?function|export class|class|function|\}|\/\/|$)/.test(
                line,
              )
            )
              continue;
            const value = /^(?:export )?(?:const|let|var) \w+ = (.*)$/.exec(line)?.[1];
            if (value !== undefined && !/\(/.test(value.replace(/^\(.*?\) =>.*$/, ''))) continue;
            effects.push(`${path.slice(root.length + 1)}: ${line.slice(0, 60)}`);
          }
      }
    };
    walk(root);
    expect(effects.length).toBeGreaterThan(0);
    expect(effects.filter((line) => !/= createPaginator\(/.test(line))).toEqual([]);
  });
});

describe('the endpoint-discovery stand-in (lib/bundle/endpoint-discovery.ts)', () => {
  it('leaves out only what no bundled SDK module reads: no command applies discovery', () => {
    const require = createRequire(join(PROJECT_ROOT, 'package.json'));
    const names =
      /\b(endpointCache|endpointDiscoveryEnabled|isClientEndpointDiscoveryEnabled|endpointDiscoveryCommandCtor|getEndpointDiscovery\w*Plugin)\b/;
    const mentions: string[] = [];
    const walk = (root: string, at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const path = join(at, entry.name);
        if (entry.isDirectory()) walk(root, path);
        else if (entry.name.endsWith('.js') && names.test(readFileSync(path, 'utf8')))
          mentions.push(path.slice(root.length + 1));
      }
    };
    for (const pkg of [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/lib-dynamodb',
      '@aws-sdk/core',
      '@smithy/core',
    ]) {
      const root = join(dirname(require.resolve(`${pkg}/package.json`)), 'dist-es');
      walk(join(root, '..', '..'), root);
    }
    // The client hands its configuration to the discovery resolver, and that is all: no command, no middleware.
    expect(mentions.sort()).toEqual(['client-dynamodb/dist-es/DynamoDBClient.js']);
    const client = readFileSync(
      join(dirname(require.resolve('@aws-sdk/client-dynamodb/package.json')), 'dist-es/DynamoDBClient.js'),
      'utf8',
    );
    expect(client.match(names)?.[0]).toBe('endpointDiscoveryCommandCtor');
  });
});

describe("the stack's local bundling (infra/service-function.ts)", () => {
  it("stops the synth on a failed build, naming the function and esbuild's message", () => {
    const stack = new Stack(tempApp(), 'Bundling');
    const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const pepper = new Secret(stack, 'Pepper');
    expect(
      () =>
        new ServiceFunction(stack, 'Missing', {
          name: 'no-such-function',
          description: 'a route whose file does not exist',
          table,
          pepper,
          providers: { mail: false, sms: false, captchaImages: false },
        }),
    ).toThrow(/bundling no-such-function failed:[\s\S]*Could not resolve/);
  });
});
