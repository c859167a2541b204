/**
 * The server's garbage collections per fleet phase, from two logs of one run:
 *
 *   node dist/test/bench/gc-by-phase.js <bench log> <server log>
 *
 * `<bench log>` is what the bench wrote to stderr (its `[bench HH:MM:SS]` lines: a phase starts at its
 * "machine quiet" line and ends at its "N in S s" line); `<server log>` is BENCH_SERVER_STDOUT of a run
 * with BENCH_SERVER_NODE_ARGS=--trace-gc, each line stamped with the time it arrived. Prints, per
 * phase, the scavenges (count, total and longest pause) and the mark-compacts (count, pauses, and the
 * marking work V8 reports for each: "+ N ms in ... since start of marking"). Used for 100k.md §18.
 */
import { readFileSync } from 'node:fs';

export interface PhaseWindow {
  readonly scenario: string;
  readonly phase: string;
  /** HH:MM:SS, inclusive, the bench's clock (UTC). */
  readonly from: string;
  readonly to: string;
}

export interface PhaseGc extends PhaseWindow {
  readonly scavenges: number;
  readonly scavengePauseMs: number;
  readonly longestScavengeMs: number;
  readonly markCompacts: number;
  readonly markCompactPausesMs: number[];
  readonly markingMs: number[];
}

const PHASE_LINE = /^\[bench (\d\d:\d\d:\d\d)\] ([^:]+): ([^:]+): (machine quiet|machine busy|\d+ in [\d.]+s)/;

/** The timed phases of a bench log: each from the quiet-machine line before it to its result line. */
export function phaseWindows(benchLog: string): PhaseWindow[] {
  const windows: PhaseWindow[] = [];
  const started = new Map<string, string>();
  for (const line of benchLog.split('\n')) {
    const found = PHASE_LINE.exec(line);
    if (!found) continue;
    const [, time, scenario, phase, what] = found as unknown as [string, string, string, string, string];
    const key = `${scenario}\u0000${phase}`;
    if (what.startsWith('machine')) started.set(key, time);
    else windows.push({ scenario, phase, from: started.get(key) ?? time, to: time });
  }
  return windows;
}

/** `--trace-gc` lines (stamped by the bench) counted into each phase's window. */
export function gcByPhase(windows: readonly PhaseWindow[], serverLog: string): PhaseGc[] {
  const lines = serverLog.split('\n').filter((l) => /: (Scavenge|Mark-Compact)\b/.test(l));
  return windows.map((w) => {
    const inside = lines.filter((l) => {
      const clock = l.slice(11, 19);
      return clock >= w.from && clock <= w.to;
    });
    const pause = (l: string): number => Number(/MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \//.exec(l)?.[1] ?? 0);
    const scavenges = inside.filter((l) => l.includes(': Scavenge')).map(pause);
    const markCompacts = inside.filter((l) => l.includes(': Mark-Compact'));
    return {
      ...w,
      scavenges: scavenges.length,
      scavengePauseMs: round(scavenges.reduce((a, b) => a + b, 0)),
      longestScavengeMs: Math.max(0, ...scavenges),
      markCompacts: markCompacts.length,
      markCompactPausesMs: markCompacts.map(pause),
      markingMs: markCompacts.map((l) => Number(/\+ ([\d.]+) ms in/.exec(l)?.[1] ?? 0)),
    };
  });
}

const round = (n: number): number => Math.round(n * 10) / 10;

if (process.argv[1]?.endsWith('gc-by-phase.js')) {
  const [benchLog, serverLog] = process.argv.slice(2);
  if (!benchLog || !serverLog) {
    process.stderr.write('usage: node dist/test/bench/gc-by-phase.js <bench log> <server log>\n');
    process.exit(2);
  }
  for (const p of gcByPhase(phaseWindows(readFileSync(benchLog, 'utf8')), readFileSync(serverLog, 'utf8'))) {
    process.stdout.write(
      `${p.scenario}  ${p.phase}  ${p.from}-${p.to}  scavenges ${p.scavenges} (${p.scavengePauseMs} ms, longest ${p.longestScavengeMs})  ` +
        `mark-compacts ${p.markCompacts}${p.markCompacts > 0 ? ` (pauses ${p.markCompactPausesMs.join(', ')} ms; marking ${p.markingMs.join(', ')} ms)` : ''}\n`,
    );
  }
}
