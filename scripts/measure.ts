// Benchmark plumbing: run a request N times at a fixed concurrency and print its latency percentiles.

export const N = Number(process.env.BENCH_N ?? 300);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `run` `total` times, CONCURRENCY at once; prints one row and returns the median latency (ms). */
export async function measure(
  name: string,
  total: number,
  run: (i: number) => Promise<void>,
  calls: { n: number },
): Promise<number> {
  const times: number[] = [];
  calls.n = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await run(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const row = [
    name.padEnd(34),
    `${(total / elapsed).toFixed(0).padStart(5)} req/s`,
    `p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms`,
    `p95 ${percentile(times, 95).toFixed(1).padStart(6)} ms`,
    `p99 ${percentile(times, 99).toFixed(1).padStart(6)} ms`,
    `${(calls.n / total).toFixed(2)} DynamoDB calls/req`,
  ];
  process.stdout.write(`${row.join('  ')}\n`);
  return percentile(times, 50);
}
