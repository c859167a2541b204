import { readFile } from 'node:fs/promises';

/**
 * Waiting for the machine to go quiet before a timed phase. Right after an import or a batch of
 * approvals the server (and PostgreSQL, on the same two cores) still has work in flight: V8 marking
 * and compacting a heap that just grew by hundreds of MiB, autovacuum of freshly written tables,
 * projections catching up. A phase timed in that window measures the aftermath, not the steady state
 * the target is about, and how long the window lasts differs by catalog size. So phases start once
 * the whole machine has been mostly idle for a while, and each result says how long that took: a
 * server that stays busy after five approvals shows up as a long wait rather than hiding in a p99.
 */
export interface QuietWait {
  /** Seconds spent waiting (0 when waiting was off). */
  readonly seconds: number;
  /** Whether the machine went quiet before `maxSeconds` ran out (a phase is timed either way). */
  readonly quiet: boolean;
  /** Busy share of all cores over the last window, 0–1 (null where /proc/stat cannot be read). */
  readonly lastBusy: number | null;
}

export interface QuietWaitOptions {
  /** Give up (and time the phase anyway) after this long; 0 does not wait at all. */
  readonly maxSeconds: number;
  /** Busy share of all cores below which a window counts as quiet. */
  readonly busyBelow?: number;
  /** Consecutive quiet windows needed. */
  readonly windows?: number;
  readonly windowMs?: number;
  /** Where the CPU times come from (default: /proc/stat). */
  readonly sample?: () => Promise<CpuTimes | null>;
}

export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

/** The machine's CPU jiffies from /proc/stat's first line; null off Linux. */
export async function machineCpuTimes(statFile = '/proc/stat'): Promise<CpuTimes | null> {
  const text = await readFile(statFile, 'utf8').catch(() => null);
  return text === null ? null : parseProcStat(text);
}

/** `cpu  user nice system idle iowait irq softirq steal …`: idle and iowait are not busy; guest time is already in user. */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 5) return null;
  const numbers = fields.slice(1, 9).map(Number);
  if (numbers.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const total = numbers.reduce((a, b) => a + b, 0);
  const idle = numbers[3]! + (numbers[4] ?? 0);
  return { busy: total - idle, total };
}

export async function waitForQuietMachine(options: QuietWaitOptions): Promise<QuietWait> {
  const { maxSeconds, busyBelow = 0.1, windows = 2, windowMs = 1000, sample = () => machineCpuTimes() } = options;
  if (maxSeconds <= 0) return { seconds: 0, quiet: false, lastBusy: null };
  const started = performance.now();
  let previous = await sample();
  if (previous === null) return { seconds: 0, quiet: false, lastBusy: null };
  let quietWindows = 0;
  let lastBusy: number | null = null;
  while ((performance.now() - started) / 1000 < maxSeconds) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = await sample();
    if (now === null) break;
    const elapsed = now.total - previous.total;
    lastBusy = elapsed > 0 ? (now.busy - previous.busy) / elapsed : 0;
    previous = now;
    quietWindows = lastBusy < busyBelow ? quietWindows + 1 : 0;
    if (quietWindows >= windows) return { seconds: (performance.now() - started) / 1000, quiet: true, lastBusy };
  }
  return { seconds: (performance.now() - started) / 1000, quiet: false, lastBusy };
}
