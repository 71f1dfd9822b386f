// CDK apps for tests that write their cloud assembly to a temporary folder the test file removes. Without an
// `outdir`, every synthesis (`Template.fromStack`, `Annotations.fromStack`) leaves a fresh /tmp/cdk.outXXXX
// behind that nothing deletes: a dozen per run of the suite.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';

const folders: string[] = [];

/** The context cdk.json gives every `cdk synth` (the feature flags): test apps synthesize what the CLI does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/** An App whose assembly goes to its own temporary folder (`removeTempApps` deletes them all). */
export function tempApp(props: Omit<AppProps, 'outdir'> = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'codegate-app-'));
  folders.push(outdir);
  return new App({ ...props, context: { ...CDK_JSON_CONTEXT, ...props.context }, outdir });
}

/** Deletes the folders of every `tempApp` so far; for the test file's `afterAll`. */
export function removeTempApps(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}
