// `npm start` as people end it: whichever process of its chain (npm → tsx → node → guard → java) gets
// SIGTERM or SIGKILL — or npm gets SIGINT or SIGHUP — nothing of it is left running five seconds later,
// and its port no longer answers. A taken port is one line naming PORT, and nothing is left.
// (The start script execs tsx: an sh left in between would swallow the SIGINT npm forwards to it.)
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startLocalProcess, userEnv } from './helpers/local-process.ts';
import { descendants, gone } from './helpers/processes.ts';

type Role = 'npm' | 'tsx' | 'node' | 'guard' | 'java';

/** Recognizes each process of the chain by its command line. */
const ROLES: [Exclude<Role, 'npm'>, RegExp][] = [
  ['tsx', /node_modules\/\.bin\/tsx infra\/local\/main\.ts/],
  ['node', /tsx\/dist\/preflight\.cjs.*infra\/local\/main\.ts/],
  ['guard', /dynamodb-local-guard/],
  ['java', /^\S*java .*DynamoDBLocal\.jar/],
];

interface Started {
  npm: ChildProcess;
  url: string;
  output: () => string;
  pids: Map<Role, number>;
}

/** `npm start` in its own process group (as a shell job), once it prints its ready line. */
async function npmStart(): Promise<Started> {
  // Its own process group (as a shell job), so a test can signal the whole chain or one member.
  const started = await startLocalProcess('npm', ['start'], { env: userEnv('0'), detached: true });
  const npm = started.child;
  const pids = new Map<Role, number>([['npm', npm.pid ?? 0]]);
  for (const entry of descendants(npm.pid ?? 0)) {
    const role = ROLES.find(([, pattern]) => pattern.test(entry.args))?.[0];
    if (role && !pids.has(role)) pids.set(role, entry.pid);
  }
  return { npm, url: started.url, output: started.output, pids };
}

const answers = (url: string) =>
  fetch(`${url}/_local/outbox`).then(
    () => true,
    () => false,
  );

/** At most this many chains at once: each holds a JVM, and the machine may have two loaded cores. */
let slots = 3;
const waiting: (() => void)[] = [];
async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  while (slots === 0) await new Promise<void>((resolve) => waiting.push(resolve));
  slots -= 1;
  try {
    return await fn();
  } finally {
    slots += 1;
    waiting.shift()?.();
  }
}

const CASES: [Role, NodeJS.Signals][] = [
  ['npm', 'SIGTERM'],
  ['npm', 'SIGINT'],
  ['npm', 'SIGHUP'],
  ['npm', 'SIGKILL'],
  ['tsx', 'SIGTERM'],
  ['tsx', 'SIGKILL'],
  ['node', 'SIGTERM'],
  ['node', 'SIGKILL'],
  ['guard', 'SIGTERM'],
  ['guard', 'SIGKILL'],
  ['java', 'SIGTERM'],
  ['java', 'SIGKILL'],
];

describe.concurrent('npm start ends with its chain', () => {
  it.each(CASES)(
    '%s gets %s: the service and its JVM are gone within 5 s',
    (role, signal) =>
      withSlot(async () => {
        const started = await npmStart();
        try {
          // The whole chain must be there for the case to mean anything.
          expect([...started.pids.keys()].sort()).toEqual(['guard', 'java', 'node', 'npm', 'tsx']);
          expect(await answers(started.url)).toBe(true);
          process.kill(started.pids.get(role) ?? 0, signal);
          expect(await gone([...started.pids.values()], 5_000)).toEqual([]);
          expect(await answers(started.url)).toBe(false);
        } finally {
          // Whatever the outcome, leave nothing behind.
          for (const pid of started.pids.values()) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
      }),
    // Waiting for a slot counts too: four rounds of three starts on a loaded machine.
    360_000,
  );
});

describe('a port already in use', () => {
  it('fails with one line naming the port and PORT, a non-zero exit, and nothing left running', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const npm = spawn('npm', ['start'], {
        env: userEnv(String(port)),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      npm.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      npm.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      // Every process the run starts, collected while it runs.
      const seen = new Set<number>();
      const watch = setInterval(() => {
        for (const entry of descendants(npm.pid ?? 0)) seen.add(entry.pid);
      }, 50);
      const code = await new Promise<number | null>((resolve) => npm.once('exit', resolve));
      clearInterval(watch);

      expect(code).not.toBe(0);
      const ours = stderr.split('\n').filter((line) => !line.startsWith('npm ') && line.trim() !== '');
      expect(ours).toEqual([`port ${port} is in use; set PORT to another port`]);
      expect(stderr + stdout).not.toMatch(/^\s+at /m); // no stack trace
      expect(stdout).not.toContain('Codegate listening');
      expect(await gone([...seen], 5_000)).toEqual([]);
    } finally {
      taken.close();
    }
  });
});
