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

const BENCH_LINE = /^\[bench (\d\d:\d\d:\d\d)\] ([^:]+): (.*)$/;
const PHASE_RESULT = /: \d+ in [\d.]+s\b/;
const QUIET_WAIT = /: machine (quiet|still busy) after /;

/**
 * The timed phases of a bench log. A phase ends at its result line ("N in S s"); it starts at the
 * quiet-machine wait logged since the previous result line ("machine quiet" or "machine still busy",
 * whatever the phase calls itself there: "first-scan" before, "first scans" after), or, with no wait
 * logged (`--quiet-wait 0`, or a machine already quiet), at the previous result line.
 */
export function phaseWindows(benchLog: string): PhaseWindow[] {
  const windows: PhaseWindow[] = [];
  let previousEnd: string | null = null;
  let waitEnded: string | null = null;
  for (const line of benchLog.split('\n')) {
    const found = BENCH_LINE.exec(line);
    if (!found) continue;
    const [, time, scenario, rest] = found as unknown as [string, string, string, string];
    if (QUIET_WAIT.test(line)) waitEnded = time;
    else if (PHASE_RESULT.test(line)) {
      windows.push({ scenario, phase: rest.slice(0, rest.search(PHASE_RESULT)), from: waitEnded ?? previousEnd ?? time, to: time });
      previousEnd = time;
      waitEnded = null;
    }
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
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      process.stderr.write(`gc-by-phase: cannot read ${file} (${(error as Error).message})\n`);
      process.exit(2);
    }
  };
  const windows = phaseWindows(read(benchLog));
  if (windows.length === 0) {
    process.stderr.write(`gc-by-phase: no phase result lines ("[bench HH:MM:SS] <scenario>: <phase>: N in S s") in ${benchLog}\n`);
    process.exit(2);
  }
  for (const p of gcByPhase(windows, read(serverLog))) {
    process.stdout.write(
      `${p.scenario}  ${p.phase}  ${p.from}-${p.to}  scavenges ${p.scavenges} (${p.scavengePauseMs} ms, longest ${p.longestScavengeMs})  ` +
        `mark-compacts ${p.markCompacts}${p.markCompacts > 0 ? ` (pauses ${p.markCompactPausesMs.join(', ')} ms; marking ${p.markingMs.join(', ')} ms)` : ''}\n`,
    );
  }
}
