/** Small helpers shared by the benchmark scripts. */
export function arg(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} needs a positive number\n`);
    process.exit(2);
  }
  return value;
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function progress(line: string): void {
  process.stdout.write(`# ${line}\n`);
}

export async function timedFetch(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string; ms: number }> {
  const started = process.hrtime.bigint();
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** The median of `n` sequential requests, after one to warm up. */
export async function medianMs(
  label: string,
  url: string,
  init: RequestInit,
  n: number,
): Promise<number> {
  await timedFetch(url, init);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const { status, ms } = await timedFetch(url, init);
    if (status !== 200) throw new Error(`${label}: ${status}`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const median = round(times[Math.floor(n / 2)], 2);
  progress(`single request, ${label}: ${median} ms (median of ${n})`);
  return median;
}
