// Load generation and the one output format every bench prints.
import autocannon from 'autocannon';

export interface Stats {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  opsPerSec: number;
  errors: number;
}

export interface HttpLoad {
  url: string;
  /** Seconds of measured load, after the warm-up. */
  seconds: number;
  connections: number;
  /** Upper bound of requests in the measured phase. */
  maxRequests?: number;
  headers?: Record<string, string>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

function fire(load: HttpLoad, seconds: number, latencies?: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        connections: load.connections,
        duration: seconds,
        ...(load.maxRequests ? { amount: load.maxRequests } : {}),
        headers: load.headers ?? {},
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (latencies) {
      instance.on('response', (_client, _status, _bytes, responseTime) => {
        latencies.push(responseTime);
      });
    }
  });
}

/** Warms up for a second, then measures every response's latency (ms) over the measured phase. */
export async function measureHttp(name: string, load: HttpLoad): Promise<Stats> {
  await fire(load, 1);
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const result = await fire(load, load.seconds, latencies);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Float64Array.from(latencies).sort();
  return {
    name,
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    opsPerSec: sorted.length / elapsed,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

const HEADER = ['name', 'n', 'p50', 'p95', 'p99', 'ops/s', 'vs floor'];

function cells(stats: Stats, floor?: Stats): string[] {
  const ms = (value: number) => `${value.toFixed(2)}ms`;
  return [
    stats.name,
    String(stats.n),
    ms(stats.p50),
    ms(stats.p95),
    ms(stats.p99),
    stats.opsPerSec.toFixed(0),
    floor ? `${(stats.p50 / floor.p50).toFixed(2)}x p50, ${(floor.opsPerSec / stats.opsPerSec).toFixed(2)}x ops` : '',
  ];
}

/** Prints rows aligned as `name  n  p50  p95  p99  ops/s  vs floor`. */
export function printTable(rows: { stats: Stats; floor?: Stats }[]): void {
  const table = [HEADER, ...rows.map((row) => cells(row.stats, row.floor))];
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  for (const row of table) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
  for (const { stats } of rows) {
    if (stats.errors > 0) console.log(`! ${stats.name}: ${stats.errors} failed requests`);
  }
}

/** Stats of latencies (ms) measured over `seconds`. */
export function statsOf(name: string, latencies: readonly number[], seconds: number, errors = 0): Stats {
  const sorted = Float64Array.from(latencies).sort();
  return {
    name,
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    opsPerSec: sorted.length / seconds,
    errors,
  };
}

/**
 * Runs `work` in `workers` loops side by side for `seconds` after a second of warm-up, timing
 * each call; a call that throws counts as an error. One worker: one call after another.
 */
export async function measureCalls(
  name: string,
  options: { seconds: number; workers?: number },
  work: (i: number, worker: number) => Promise<unknown>,
): Promise<Stats> {
  const workers = options.workers ?? 1;
  let next = 0;
  let reported = false;
  const loop = async (until: number, worker: number, latencies?: number[]) => {
    let errors = 0;
    while (performance.now() < until) {
      const started = performance.now();
      try {
        await work(next++, worker);
        latencies?.push(performance.now() - started);
      } catch (error) {
        errors += 1;
        if (!reported) console.error(`${name}: ${(error as Error).message}`);
        reported = true;
      }
    }
    return errors;
  };
  const warmUp = performance.now() + 1000;
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(warmUp, worker)));
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + options.seconds * 1000;
  const errors = await Promise.all(Array.from({ length: workers }, (_, worker) => loop(until, worker, latencies)));
  return statsOf(
    name,
    latencies,
    (performance.now() - started) / 1000,
    errors.reduce((sum, n) => sum + n, 0),
  );
}
