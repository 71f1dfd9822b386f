// Infra, at synth time: how every function is bundled, defined once — esbuild's options, the module stand-ins and
// the SDK trims. infra/service-function.ts runs `bundleFunction` for each function in a child process (its local
// bundling: esbuild's plugins need its asynchronous API, a CDK bundling step is synchronous), and the benches
// (scripts/cold-start.ts) build through the same options. No aws-cdk-lib here: the child process loads esbuild only.
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';

/** The project root (where package.json, package-lock.json and functions/ live), independent of cwd. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * ESM bundles still contain CommonJS dependencies that call `require('node:…')`; esbuild's shim
 * throws unless a real `require` exists, so the banner provides one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __codegateCreateRequire } from 'node:module'; const require = __codegateCreateRequire(import.meta.url);";

/**
 * Module replacements in every bundle (lib/bundle/): the SDK's default credential chain becomes Lambda's
 * environment credentials only, which leaves the other providers and their STS/SSO clients out; event-stream
 * support, which no operation Codegate calls uses, becomes a stub; DynamoDB's endpoint discovery, which no command
 * of this SDK applies, keeps its configuration without its cache.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': `${PROJECT_ROOT}lib/bundle/credentials.ts`,
  '@smithy/core/event-streams': `${PROJECT_ROOT}lib/bundle/event-streams.ts`,
  '@aws-sdk/middleware-endpoint-discovery': `${PROJECT_ROOT}lib/bundle/endpoint-discovery.ts`,
};

/**
 * Where each function finds the launch wrapper (`infra/lambda-launch.sh`, copied into every bundle): Lambda
 * starts the runtime through the script `AWS_LAMBDA_EXEC_WRAPPER` names, which caps V8's young generation.
 */
export const LAUNCH_WRAPPER = {
  source: 'infra/lambda-launch.sh',
  file: 'launch.sh',
  task: '/var/task/',
} as const;

/** A client's schema module: `@aws-sdk/client-*` generated code. */
const SCHEMA_MODULE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/;
/** A client's own package.json. */
const CLIENT_PACKAGE = /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;
/** Packages whose modules have no side effects on import but whose package.json does not say so. */
const SIDE_EFFECT_FREE = /[\\/]node_modules[\\/]@aws-sdk[\\/]lib-dynamodb[\\/]/;

/**
 * A schema module with every computed key that names a string constant of the same module written as that string:
 * `{ [_ht]: ["POST", "/v1/whatsapp/send", 200] }` becomes `{ "http": [...] }`. The same object; but esbuild keeps
 * every statement with a computed key (it cannot prove one free of side effects), so a REST client's schemas of
 * operations never called stay in the bundle until the keys are literal. Only modules with HTTP-binding traits
 * (`[_ht]`) are folded: elsewhere every schema is kept anyway and a literal key is longer than the minified name.
 */
export function foldSchemaKeys(source: string): string {
  if (!source.includes('{ [_ht]:')) return source;
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm))
    constants.set(name as string, literal as string);
  return source.replace(/([{,]\s*)\[(_\w+)\]:/g, (whole, before: string, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${before}${literal}:`;
  });
}

/**
 * A client's package.json as its code reads it: every client imports the whole file for `version` alone (its user
 * agent), about 2 KB per client; test/bundling.test.ts holds each bundled client to reading nothing else.
 */
export function clientPackageInfo(json: string): string {
  const { version } = JSON.parse(json) as { version: unknown };
  return JSON.stringify({ version });
}

/** The SDK trims (see above), each one a rewrite esbuild cannot make on its own; the build stays the same code. */
export const sdkTrims: Plugin = {
  name: 'codegate-sdk-trims',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, (args) => ({
      contents: foldSchemaKeys(readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
    build.onLoad({ filter: CLIENT_PACKAGE }, (args) => ({
      contents: clientPackageInfo(readFileSync(args.path, 'utf8')),
      loader: 'json',
    }));
    // lib-dynamodb's pagination modules call createPaginator at the top level, which keeps every command they name
    // (Scan and its schemas) in a bundle that imports any of the package: its modules change nothing on import.
    build.onResolve({ filter: /^(\.\.?\/|@aws-sdk\/lib-dynamodb$)/ }, async (args) => {
      const inside = args.path.startsWith('@') || SIDE_EFFECT_FREE.test(args.importer);
      if (!inside || args.pluginData === sdkTrims.name) return undefined;
      const { path, kind, importer, resolveDir } = args;
      const resolved = await build.resolve(path, { kind, importer, resolveDir, pluginData: sdkTrims.name });
      if (resolved.errors.length > 0 || !SIDE_EFFECT_FREE.test(resolved.path)) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

/** One function's build: its entry, where the bundle goes, the provider switches, a map beside it or not. */
export interface FunctionBuild {
  entry: string;
  outfile: string;
  define: Record<string, string>;
  sourceMap?: boolean;
  /** The module stand-ins (default BUNDLE_ALIASES; the benches' floor builds without them). */
  aliases?: Readonly<Record<string, string>>;
  /** The SDK trims (default on: every function is built with them). */
  trims?: boolean;
}

/** esbuild's options for one function: minified ESM for Node 22, the SDK inside, UTF-8 kept as UTF-8. */
export function functionBuildOptions(job: FunctionBuild): BuildOptions {
  return {
    entryPoints: [job.entry],
    outfile: job.outfile,
    define: job.define,
    alias: { ...(job.aliases ?? BUNDLE_ALIASES) },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Non-ASCII text (the Chinese and other templates, zod's and the SDK's messages) stays UTF-8, as Node reads
    // every module, instead of a six-byte \uXXXX escape per character.
    charset: 'utf8',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    nodePaths: [join(PROJECT_ROOT, 'node_modules')],
    // A linked map without source contents (`npm run stack` reads the sources from the checkout).
    ...(job.sourceMap ? { sourcemap: 'linked' as const, sourcesContent: false } : { sourcemap: false }),
    plugins: job.trims === false ? [] : [sdkTrims],
    logLevel: 'warning',
  };
}

/** Bundles one function into `outdir` as `index.mjs`, with the launch wrapper beside it (executable). */
export async function bundleFunction(job: Omit<FunctionBuild, 'outfile'> & { outdir: string }) {
  await build(functionBuildOptions({ ...job, outfile: join(job.outdir, 'index.mjs') }));
  const wrapper = join(job.outdir, LAUNCH_WRAPPER.file);
  copyFileSync(join(PROJECT_ROOT, LAUNCH_WRAPPER.source), wrapper);
  chmodSync(wrapper, 0o755);
}

// Run as a script (by infra/service-function.ts): one function, described by the JSON argument.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleFunction(JSON.parse(process.argv[2] ?? '{}'));
}
