// Benchmark plumbing: run a request N times at a fixed concurrency and print its latency percentiles.
import { Agent, request as httpRequest } from 'node:http';

export const N = Number(process.env.BENCH_N ?? 300);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
/** Rounds of the paired warm-latency rows (each on fresh addresses); the verdict takes their median. */
export const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
/** Requests per chunk when two workloads are measured alternately (`paired`). */
const CHUNK = 50;

/** Keep-alive sockets for the load, as many as requests in flight. */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * One HTTP request through node:http with keep-alive, its body read to the end. The load generator runs in
 * the service's process, so it is kept lean: `fetch` (undici and web streams) spent about 0.8 ms of CPU per
 * request here, CPU the service then waited for.
 */
export function http(
  url: URL,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve(text));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The middle value (the upper of the two middle ones for an even count); 0 for none. */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface Timed {
  /** Latency of each request (ms). */
  times: number[];
  /** Wall-clock time spent running them (s). */
  seconds: number;
}

/** Runs `run` for i in [from, to), CONCURRENCY at once, and returns each request's latency. */
async function timed(from: number, to: number, run: (i: number) => Promise<void>): Promise<Timed> {
  const times: number[] = [];
  let next = from;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < to) {
        const i = next++;
        const t0 = performance.now();
        await run(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  return { times, seconds: (performance.now() - started) / 1000 };
}

/** Prints one row and returns the median latency (ms). */
function printRow(name: string, { times, seconds }: Timed, calls: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  const row = [
    name.padEnd(34),
    `${(sorted.length / seconds).toFixed(0).padStart(5)} req/s`,
    `p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms`,
    `p95 ${percentile(sorted, 95).toFixed(1).padStart(6)} ms`,
    `p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms`,
    `${(calls / sorted.length).toFixed(2)} DynamoDB calls/req`,
  ];
  process.stdout.write(`${row.join('  ')}\n`);
  return percentile(sorted, 50);
}

/** Runs `run` `total` times, CONCURRENCY at once; prints one row and returns the median latency (ms). */
export async function measure(
  name: string,
  total: number,
  run: (i: number) => Promise<void>,
  calls: { n: number },
): Promise<number> {
  calls.n = 0;
  return printRow(name, await timed(0, total, run), calls.n);
}

/**
 * Measures two workloads in alternating chunks of CHUNK requests — `ours` for a chunk, then `raw` for the
 * same indices — so that the drift of a warming system (JIT here and in DynamoDB Local's JVM) hits both
 * alike. `raw(i)` may use what `ours(i)` left (a recorded command). `calls` counts only during `ours`.
 * Prints both rows; returns both medians.
 */
export async function paired(
  names: readonly [ours: string, raw: string],
  total: number,
  ours: (i: number) => Promise<void>,
  raw: (i: number) => Promise<void>,
  calls: { n: number },
): Promise<{ ours: number; raw: number }> {
  const sides = { ours: { times: [], seconds: 0 } as Timed, raw: { times: [], seconds: 0 } as Timed };
  let oursCalls = 0;
  for (let from = 0; from < total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK);
    calls.n = 0;
    const chunk = await timed(from, to, ours);
    oursCalls += calls.n;
    const replay = await timed(from, to, raw);
    sides.ours = {
      times: [...sides.ours.times, ...chunk.times],
      seconds: sides.ours.seconds + chunk.seconds,
    };
    sides.raw = { times: [...sides.raw.times, ...replay.times], seconds: sides.raw.seconds + replay.seconds };
  }
  return { ours: printRow(names[0], sides.ours, oursCalls), raw: printRow(names[1], sides.raw, 0) };
}
