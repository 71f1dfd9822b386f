// Local runtime: the service lives exactly as long as the chain that launched it. `npm start` runs
// npm → sh → tsx → node; if any of them ends — a SIGKILL included, which nothing can trap — this
// process notices that the chain is broken and stops, taking DynamoDB Local down with it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface ProcessFacts {
  ppid: number;
  pgid: number;
}

/** Parent and process group of `pid` (Linux /proc, else `ps`), or undefined once it is gone. */
function factsOf(pid: number): ProcessFacts | undefined {
  try {
    // Fields after the command name: state, ppid, pgrp, …; a zombie counts as gone.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state === 'Z' ? undefined : { ppid: Number(ppid), pgid: Number(pgid) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return undefined;
  }
  try {
    const out = execFileSync('ps', ['-o', 'ppid=,pgid=,stat=', '-p', String(pid)], { encoding: 'utf8' });
    const [ppid, pgid, state] = out.trim().split(/\s+/);
    return !ppid || state?.startsWith('Z') ? undefined : { ppid: Number(ppid), pgid: Number(pgid) };
  } catch {
    return undefined;
  }
}

/**
 * The launching chain: each ancestor in this process's own process group (the job a shell started:
 * npm, sh, tsx), with the parent it had at start. Never init (pid 1).
 */
export function launchChain(): { pid: number; ppid: number }[] {
  const chain: { pid: number; ppid: number }[] = [];
  const group = factsOf(process.pid)?.pgid;
  let pid = process.ppid;
  while (pid > 1 && chain.length < 16) {
    const facts = factsOf(pid);
    if (!facts) break;
    chain.push({ pid, ppid: facts.ppid });
    if (facts.pgid !== group || pid === group) break; // the job's leader, or the shell above the job
    pid = facts.ppid;
  }
  return chain;
}

/**
 * Calls `onBroken` once when a process of the launching chain has ended or been re-parented (its
 * parent ended), checking every `intervalMs`. Returns a function that stops watching.
 */
export function watchLaunchChain(onBroken: () => void, intervalMs = 500): () => void {
  const chain = launchChain();
  const parent = process.ppid;
  const timer = setInterval(() => {
    const broken = process.ppid !== parent || chain.some(({ pid, ppid }) => factsOf(pid)?.ppid !== ppid);
    if (broken) {
      clearInterval(timer);
      onBroken();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
