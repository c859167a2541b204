/** Latency samples of one operation, summarised the way the benchmark report prints them. */
export interface LatencySummary {
  readonly count: number;
  readonly errors: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export class LatencyRecorder {
  private readonly samples = new Map<string, number[]>();
  private readonly errors = new Map<string, number>();

  /** `alsoInto`: recorders that get every sample and error of this one too (this one summarises a subset of theirs). */
  constructor(private readonly alsoInto: readonly LatencyRecorder[] = []) {}

  record(operation: string, ms: number): void {
    let list = this.samples.get(operation);
    if (!list) {
      list = [];
      this.samples.set(operation, list);
    }
    list.push(ms);
    for (const other of this.alsoInto) other.record(operation, ms);
  }

  error(operation: string): void {
    this.errors.set(operation, (this.errors.get(operation) ?? 0) + 1);
    for (const other of this.alsoInto) other.error(operation);
  }

  get totalErrors(): number {
    return [...this.errors.values()].reduce((a, b) => a + b, 0);
  }

  summary(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = {};
    for (const operation of new Set([...this.samples.keys(), ...this.errors.keys()])) {
      const sorted = [...(this.samples.get(operation) ?? [])].sort((a, b) => a - b);
      const at = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
      out[operation] = {
        count: sorted.length,
        errors: this.errors.get(operation) ?? 0,
        p50: round(at(0.5)),
        p95: round(at(0.95)),
        p99: round(at(0.99)),
        max: round(sorted.at(-1) ?? 0),
        mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
      };
    }
    return out;
  }
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Resident set size of a process, from /proc (Linux), in MiB. */
export async function rssMiB(pid: number): Promise<number | null> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? round(Number(kb) / 1024, 1) : null;
  } catch {
    return null;
  }
}
