// Test helpers for process lifetimes (Linux /proc): who descends from whom, and who is still running.
import { readdirSync, readFileSync } from 'node:fs';

interface Row {
  pid: number;
  ppid: number;
  state: string;
  args: string;
}

function row(pid: number): Row | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(ppid), state: state ?? '?', args };
  } catch {
    return undefined;
  }
}

function table(): Row[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => row(Number(name)))
    .filter((entry): entry is Row => entry !== undefined);
}

/** Running (not zombie) descendants of `pid`, with their command lines. */
export function descendants(pid: number): Row[] {
  const rows = table().filter((entry) => entry.state !== 'Z');
  const found: Row[] = [];
  const parents = [pid];
  while (parents.length) {
    const parent = parents.shift();
    for (const child of rows.filter((entry) => entry.ppid === parent)) {
      found.push(child);
      parents.push(child.pid);
    }
  }
  return found;
}

/** True while `pid` runs (a zombie — ended, not yet reaped — counts as gone). */
export function running(pid: number): boolean {
  const entry = row(pid);
  return entry !== undefined && entry.state !== 'Z';
}

/** Polls until none of `pids` runs; resolves with those still running at the deadline (empty when all ended). */
export async function gone(pids: number[], deadlineMs: number): Promise<number[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const left = pids.filter(running);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
