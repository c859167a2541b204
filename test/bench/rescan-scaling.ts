import type { FleetPhaseResult } from './fleet.js';

/** One catalog size's differential rescans, summarized over its repeated rescan phases. */
export interface RescanScalingRow {
  readonly scenario: string;
  readonly revisions: number;
  /** Rescan phases measured (--rescan-repeats per fleet). */
  readonly phases: number;
  /** SyncUpdates p99 of each rescan phase, in phase order. */
  readonly p99Ms: readonly number[];
  readonly p99MedianMs: number;
  /** The same phases' SyncUpdates p99 as the server timed it (Server-Timing), median; null when not sent. */
  readonly serverP99MedianMs: number | null;
  /** The same phases' SyncUpdates p99 from the fleet's send to the server's answer (server time + its queue), median; null when not stamped. */
  readonly sentToAnsweredP99MedianMs: number | null;
  /** Server CPU per walk, median over the same phases. */
  readonly serverCpuMsPerWalkMedian: number;
  /** This size's median p99 over the smallest catalog's: the "within 1.5× of the 10k figure" target. */
  readonly p99RatioToSmallest: number;
  /** The same ratio of the sent→answered medians (null when either is missing): the server's part of the target, queue included. */
  readonly sentToAnsweredRatioToSmallest: number | null;
}

interface RescanFleet {
  readonly scenario: string;
  readonly catalog: { readonly revisions: number };
  readonly phases: readonly (Pick<FleetPhaseResult, 'phase' | 'latencyMs' | 'serverCpuMsPerWalk'> & Partial<Pick<FleetPhaseResult, 'serverLatencyMs' | 'sentToAnsweredLatencyMs'>>)[];
}

/**
 * The rescan scenarios of one run side by side: the same fleet, store, limits and phases at each
 * catalog size, so the ratio says what the catalog's size costs and nothing else. One phase's p99 is
 * its slowest 1 % (about ten calls), so each size is summarized by the median over its phases.
 * Sizes without a measured rescan phase are left out; fewer than two sizes still give a row (ratio 1).
 */
export function rescanScaling(fleets: readonly RescanFleet[]): RescanScalingRow[] {
  const rows = fleets
    .filter((f) => f.scenario.startsWith('rescan-'))
    .map((f) => {
      const rescans = f.phases.filter((p) => p.phase.startsWith('rescan') && p.latencyMs.SyncUpdates !== undefined);
      // A median over every phase or none: a median of some phases would not be the same figure.
      const medianP99 = (of: (p: (typeof rescans)[number]) => FleetPhaseResult['latencyMs'] | undefined): number | null => {
        const p99s = rescans.flatMap((p) => (of(p)?.SyncUpdates === undefined ? [] : [of(p)!.SyncUpdates!.p99]));
        return p99s.length === rescans.length && rescans.length > 0 ? median(p99s) : null;
      };
      return {
        scenario: f.scenario,
        revisions: f.catalog.revisions,
        phases: rescans.length,
        p99Ms: rescans.map((p) => p.latencyMs.SyncUpdates!.p99),
        p99MedianMs: median(rescans.map((p) => p.latencyMs.SyncUpdates!.p99)),
        serverP99MedianMs: medianP99((p) => p.serverLatencyMs),
        sentToAnsweredP99MedianMs: medianP99((p) => p.sentToAnsweredLatencyMs),
        serverCpuMsPerWalkMedian: median(rescans.map((p) => p.serverCpuMsPerWalk)),
      };
    })
    .filter((r) => r.phases > 0)
    .sort((a, b) => a.revisions - b.revisions);
  // Two decimals; null when either side is missing or the smallest is not positive.
  const ratio = (value: number | null, smallest: number | null | undefined): number | null =>
    value === null || smallest === null || smallest === undefined || smallest <= 0 ? null : Math.round((100 * value) / smallest) / 100;
  return rows.map((r) => ({
    ...r,
    p99RatioToSmallest: ratio(r.p99MedianMs, rows[0]?.p99MedianMs) ?? 0,
    sentToAnsweredRatioToSmallest: ratio(r.sentToAnsweredP99MedianMs, rows[0]?.sentToAnsweredP99MedianMs),
  }));
}

/** Middle value (mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
