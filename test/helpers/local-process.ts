// Test helper: the local runtime as a user starts it — in a child process with a user's environment, ready
// once it prints its listening line.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/** What the in-process test harness sets and a user's shell does not. */
const HARNESS_VARIABLES = [
  'DYNAMODB_ENDPOINT',
  'TENANTS_FILE',
  'TABLE_NAME',
  'DELIVERY',
  'OUTBOX_PRINT',
  'PEPPER',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'TRUST_PROXY',
];

/** A user's environment on `port`, plus `extra`: none of the harness's variables, nor what npm passes down. */
export function userEnv(port: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of HARNESS_VARIABLES) delete env[name];
  // `npm_config_loglevel=silent` from an outer `npm test` would hide npm's own banner.
  for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];
  return { ...env, PORT: port, ...extra };
}

export interface LocalProcess {
  child: ChildProcess;
  /** The base URL from the ready line. */
  url: string;
  /** Everything printed so far, stdout then stderr as it came. */
  output: () => string;
  /** What went to stdout alone. */
  stdout: () => string;
  /** What went to stderr alone. */
  stderr: () => string;
}

/** Spawns `command` and resolves once it prints `Codegate listening on …`; rejects if it exits first. */
export async function startLocalProcess(
  command: string,
  args: string[],
  options: SpawnOptions & { env: NodeJS.ProcessEnv; readyWithinMs?: number },
): Promise<LocalProcess> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line: ${output}`)),
      options.readyWithinMs ?? 60_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
      const match = /^Codegate listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited ${code}: ${output}`));
    });
  });
  return { child, url, output: () => output, stdout: () => stdout, stderr: () => stderr };
}

/** Ends the process with SIGTERM (SIGKILL after `graceMs`) and waits for its exit. */
export async function stopLocalProcess(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
