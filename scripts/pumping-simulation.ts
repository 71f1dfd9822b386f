// A reproducible SMS pumping attack against a running local runtime, over real HTTP (the native API): five
// previously unseen number prefixes sent to from rotating client IPs, never entered, interleaved with legitimate
// users of other prefixes of the same countries who enter ~80% of their codes. `npm run simulate:pumping` runs it
// in full; test/pumping-simulation.test.ts runs a smaller one and holds the thresholds.
import { runSmsGuard } from '../infra/admin/sms-guard.ts';
import { guardSettings } from '../lib/tenants/guard-settings.ts';
import { DEMO_TENANTS_FILE, loadTenantsFile } from '../lib/tenants/load.ts';
import type { Tenant, TenantsFile } from '../lib/tenants/schema.ts';

/**
 * The demo tenants as the simulation needs them: `demo` enforces the guard, `other` only monitors it; both text
 * CN, US and GB, with no cooldown (the verified-earlier numbers are sent to again within seconds) and room in
 * every other limit, so that only the guard refuses.
 */
export async function simulationTenants(): Promise<TenantsFile> {
  const { tenants } = await loadTenantsFile(DEMO_TENANTS_FILE);
  return {
    tenants: tenants.map((tenant: Tenant) => ({
      ...tenant,
      sms: {
        ...tenant.sms,
        allowedCountries: ['CN', 'US', 'GB'],
        dailyBudget: 100_000,
        guard: guardSettings({ mode: tenant.id === 'demo' ? 'enforce' : 'monitor' }),
      },
      limits: { ...tenant.limits, cooldownSeconds: 0, perIp: { limit: 1000, windowSeconds: 3600 } },
    })),
  };
}

/** Which tenant runs which mode in `simulationTenants`, with its native API key. */
export const SIMULATED = {
  enforce: { tenant: 'demo', apiKey: 'demo-api-key' },
  monitor: { tenant: 'other', apiKey: 'other-api-key' },
} as const;

/** The attacked prefixes (each the E.164 number without its last 3 digits) in three countries. */
export const ATTACKED = ['+12065551', '+13105552', '+447400123', '+447400987', '+8613900139'] as const;

export interface SimulationOptions {
  /** The local runtime, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The tenant's native API key and id. */
  apiKey: string;
  tenant: string;
  /** The runtime's table and DynamoDB endpoint, where the operator's list is read. */
  table: string;
  endpoint: string;
  /** Legitimate users before the attack (the tenant's own entry rate), and during it, per attack round. */
  warmup: number;
  legitPerRound: number;
  /** Attack rounds: one send to each attacked prefix per round. */
  rounds: number;
  /** Share of legitimate users who enter their code. */
  entryRate?: number;
  seed?: number;
}

export interface PrefixReport {
  prefix: string;
  /** Sends accepted before the first refusal naming the block (all of them if never blocked). */
  accepted: number;
  blocked: boolean;
  /** Seconds from the prefix's first attack send to its first blocked answer. */
  secondsToBlock?: number;
}

export interface SimulationReport {
  prefixes: PrefixReport[];
  legit: { sent: number; accepted: number; rate: number; refusals: Record<string, number> };
  /** Numbers of the attacked prefixes verified before the attack, sent to again once it was blocked. */
  verifiedEarlier: { sent: number; accepted: number };
  /** The prefixes `npm run sms-guard -- list` shows blocked, and would-be blocked in monitor mode (masked). */
  reported: { enforce: string[]; monitor: string[] };
}

/** mulberry32: a small seeded generator, so every run draws the same numbers. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function simulatePumping(options: SimulationOptions): Promise<SimulationReport> {
  const next = random(options.seed ?? 26);
  const digits = (count: number) => Array.from({ length: count }, () => Math.floor(next() * 10)).join('');
  const used = new Set<string>();
  const fresh = (make: () => string) => {
    for (;;) {
      const number = make();
      if (!used.has(number)) {
        used.add(number);
        return number;
      }
    }
  };
  // Legitimate users: other prefixes of the same three countries.
  const legitNumber = () =>
    fresh(() => {
      const pick = next();
      if (pick < 0.4) return `+1415${2 + Math.floor(next() * 8)}${digits(6)}`;
      if (pick < 0.7) return `+4474005${digits(5)}`;
      return `+86138${digits(8)}`;
    });
  let ip = 0;
  const clientIp = () => {
    ip++;
    return `198.51.${Math.floor(ip / 250) % 250}.${(ip % 250) + 1}`;
  };
  const post = async (path: string, json: unknown) => {
    const response = await fetch(new URL(path, options.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
        'x-forwarded-for': clientIp(),
      },
      body: JSON.stringify(json),
    });
    return { status: response.status, body: (await response.json()) as { error?: { code?: string } } };
  };
  const send = (to: string) => post('/v1/verifications', { channel: 'sms', to, purpose: 'login' });
  const codeOf = async (to: string) => {
    const response = await fetch(new URL(`/_local/outbox?to=${encodeURIComponent(to)}`, options.url));
    const { messages } = (await response.json()) as { messages: { text: string }[] };
    return messages[0]?.text.match(/\b(\d{6})\b/)?.[1] ?? '000000';
  };
  const enter = async (to: string) =>
    post('/v1/verifications/check', { channel: 'sms', to, purpose: 'login', code: await codeOf(to) });

  const legit = { sent: 0, accepted: 0, refusals: {} as Record<string, number> };
  const legitUser = async () => {
    const to = legitNumber();
    const answer = await send(to);
    legit.sent++;
    if (answer.status === 201) {
      legit.accepted++;
      if (next() < (options.entryRate ?? 0.8)) await enter(to);
    } else {
      const code = answer.body.error?.code ?? String(answer.status);
      legit.refusals[code] = (legit.refusals[code] ?? 0) + 1;
    }
  };

  for (let n = 0; n < options.warmup; n++) await legitUser();
  // One user in each attacked prefix verified their number before the attack.
  const earlier = ATTACKED.map((prefix) => `${prefix}777`);
  for (const to of earlier) {
    used.add(to);
    if ((await send(to)).status === 201) await enter(to);
  }

  const prefixes = ATTACKED.map((prefix) => ({
    prefix,
    accepted: 0,
    blocked: false,
    started: 0,
    blockedAt: 0,
  }));
  for (let round = 0; round < options.rounds; round++) {
    for (const state of prefixes) {
      if (state.blocked) continue;
      const to = fresh(() => `${state.prefix}${digits(3)}`);
      if (!state.started) state.started = performance.now();
      const answer = await send(to);
      if (answer.status === 201) state.accepted++;
      else if (answer.body.error?.code === 'sms_blocked') {
        state.blocked = true;
        state.blockedAt = performance.now();
      }
    }
    for (let n = 0; n < options.legitPerRound; n++) await legitUser();
  }

  const verifiedEarlier = { sent: 0, accepted: 0 };
  for (const to of earlier) {
    verifiedEarlier.sent++;
    if ((await send(to)).status === 201) verifiedEarlier.accepted++;
  }
  return {
    prefixes: prefixes.map(({ prefix, accepted, blocked, started, blockedAt }) => ({
      prefix,
      accepted,
      blocked,
      ...(blocked ? { secondsToBlock: (blockedAt - started) / 1000 } : {}),
    })),
    legit: { ...legit, rate: legit.sent ? legit.accepted / legit.sent : 1 },
    verifiedEarlier,
    reported: await reportedPrefixes(options),
  };
}

/**
 * The prefixes an operator sees blocked (enforce) or would-be blocked (monitor) for the tenant: `npm run sms-guard
 * -- list` against the runtime's table. (The local stream poller drops a page that stands for more than the ten
 * events a bus batch takes, which a simulation's pace produces, so the lifecycle events are not counted on here.)
 */
async function reportedPrefixes(options: SimulationOptions): Promise<SimulationReport['reported']> {
  const listed = await runSmsGuard(['list', '--table', options.table, '--endpoint', options.endpoint]);
  const rows = listed
    .split('\n')
    .slice(1)
    .map((row) => row.split('\t'))
    .filter(([tenant]) => tenant === options.tenant);
  const of = (state: string) =>
    rows
      .filter((row) => row[3]?.startsWith(state))
      .map((row) => row[2] ?? '')
      .sort();
  return { enforce: of('blocked'), monitor: of('monitor') };
}

/** The report as the npm script prints it. */
export function formatReport(mode: string, report: SimulationReport): string {
  const lines = [`${mode}: per attacked prefix`, '  prefix        accepted  blocked  seconds to block'];
  for (const prefix of report.prefixes) {
    const seconds = prefix.secondsToBlock === undefined ? '-' : prefix.secondsToBlock.toFixed(2);
    lines.push(
      `  ${prefix.prefix.padEnd(13)} ${String(prefix.accepted).padStart(8)}  ${(prefix.blocked ? 'yes' : 'no').padStart(7)}  ${seconds.padStart(16)}`,
    );
  }
  const { legit } = report;
  lines.push(
    `  legitimate sends accepted: ${legit.accepted} of ${legit.sent} (${(legit.rate * 100).toFixed(2)}%)${
      Object.keys(legit.refusals).length ? `; refusals ${JSON.stringify(legit.refusals)}` : ''
    }`,
    `  numbers verified before the attack, sent to again: ${report.verifiedEarlier.accepted} of ${report.verifiedEarlier.sent} accepted`,
    `  npm run sms-guard -- list: blocked ${report.reported.enforce.join(' ') || '-'}; monitor would block ${report.reported.monitor.join(' ') || '-'}`,
  );
  return lines.join('\n');
}
