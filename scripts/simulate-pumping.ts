// npm run simulate:pumping — the SMS pumping attack of scripts/pumping-simulation.ts against a local runtime of its
// own (embedded DynamoDB Local, outbox delivery), once with the guard enforcing and once in monitor mode. Prints per
// attacked prefix the sends accepted before the block and the time to block, the legitimate acceptance rate, and
// exits 1 if a threshold of issue 26 is missed.
import { startLocal } from '../infra/local/start.ts';
import {
  formatReport,
  SIMULATED,
  type SimulationReport,
  simulatePumping,
  simulationTenants,
} from './pumping-simulation.ts';

const SIZE = { warmup: 200, legitPerRound: 10, rounds: 20 };

/** What issue 26 asks of the enforcing run, and of the monitoring one; empty when all hold. */
export function missedThresholds(enforce: SimulationReport, monitor: SimulationReport): string[] {
  const missed: string[] = [];
  for (const prefix of enforce.prefixes) {
    if (!prefix.blocked) missed.push(`${prefix.prefix} was never blocked`);
    if (prefix.accepted > 10) missed.push(`${prefix.prefix} accepted ${prefix.accepted} sends (> 10)`);
    if ((prefix.secondsToBlock ?? 0) > 60)
      missed.push(`${prefix.prefix} took ${prefix.secondsToBlock} s (> 60)`);
  }
  if (enforce.legit.rate < 0.995) missed.push(`legitimate acceptance ${enforce.legit.rate} (< 99.5%)`);
  if (enforce.verifiedEarlier.accepted !== enforce.verifiedEarlier.sent)
    missed.push('a verified number was refused');
  if (monitor.prefixes.some((prefix) => prefix.blocked)) missed.push('monitor mode blocked a prefix');
  if (monitor.legit.rate < 1) missed.push('monitor mode refused a legitimate send');
  if (monitor.reported.monitor.join() !== enforce.reported.enforce.join())
    missed.push('monitor mode reported other prefixes than enforce blocked');
  return missed;
}

async function main() {
  const service = await startLocal({
    port: 0,
    tenants: await simulationTenants(),
    trustProxy: true,
    printOutbox: false,
  });
  try {
    const started = performance.now();
    const where = { url: service.url, table: service.tableName, endpoint: service.endpoint };
    const enforce = await simulatePumping({ ...where, ...SIMULATED.enforce, ...SIZE });
    const monitor = await simulatePumping({ ...where, ...SIMULATED.monitor, ...SIZE });
    process.stdout.write(
      `${formatReport('guard: "enforce"', enforce)}\n\n${formatReport('guard: "monitor"', monitor)}\n`,
    );
    process.stdout.write(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    const missed = missedThresholds(enforce, monitor);
    process.stdout.write(missed.length ? `MISSED:\n  ${missed.join('\n  ')}\n` : 'every threshold held\n');
    process.exitCode = missed.length ? 1 : 0;
  } finally {
    await service.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
