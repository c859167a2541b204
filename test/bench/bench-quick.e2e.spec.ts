import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

interface Latency {
  count: number;
  p50: number;
  p95: number;
  max: number;
  p99: number;
  errors: number;
}
interface Phase {
  phase: string;
  walks: number;
  requestsPerSecond: number;
  walksPerSecond: number;
  walksPerCoreSecond: number;
  serverCpuMsPerWalk: number;
  updatesOfferedPerWalk: number;
  cachedIdsPerCall?: number;
  latencyMs: Record<string, Latency>;
  serverLatencyMs: Record<string, Latency>;
  sentToAnsweredLatencyMs: Record<string, Latency>;
  fleetCpuSeconds: number;
  fleetGc: { pauseMs: number; majorPauseMs: number; majorCount: number; heapUsedMiB: number };
  errors: number;
}
interface Fleet {
  scenario: string;
  catalog: {
    revisions: number;
    documents: { over1MB: number; from2To20KB: number; largestBytes: number };
    approvals: number;
    load: { documents: number; documentsPerSecond: number; serverCpuMsPerDocument: number; uploadedDocuments: number };
  };
  phases: Phase[];
  ceiling: { phase: string; ratio: number; watershed: { requestsPerSecond: number; errors: number }; ceiling: { requestsPerSecond: number; errors: number } }[];
  reports: { computers: number; ingest: { eventsPerSecond: number; serverCpuMsPerEvent: number }; latencyMs: Record<string, Latency>; errors: number } | null;
  serverRssMiB: { atStart: number | null; afterLoad: number | null; peak: number | null };
  eventStoreBytes: number;
  errors: number;
}

interface ReportScale {
  scenario: string;
  computers: number;
  seed: { events: number; statusCells: number } | null;
  projection: { eventsPerSecond: number } | null;
  latencyMs: Record<string, Latency>;
  checks: string[];
  errors: number;
  firstErrors: string[];
}

/**
 * The benchmark's smoke test: `bench --quick` runs every scenario end to end (generated catalog
 * through the admin API, fleet first scans and rescans, ceiling replay, report load and queries,
 * the reports-at-scale scenario on a tiny seeded fleet, content download) and produces every number. No timing is asserted.
 */
describe('npm run bench -- --quick', () => {
  it('produces the JSON document, the tables and the charts, with no failed request', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-out-'));
    try {
      const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', '--rescan-repeats', '2', '--out', out], { encoding: 'utf8', timeout: 285_000 });
      assert.equal(run.status, 0, run.stderr);
      const document = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as {
        quick: boolean;
        machine: { cpus: number };
        scenarios: (Fleet | { scenario: 'content-download'; watershed: { requestsPerSecond: number; megabytesPerSecond: number; latencyMs: Latency; errors: number }[]; ceiling: unknown[]; ratioToCeiling: { ratio: number }[] })[];
      };
      assert.equal(document.quick, true);
      assert.ok(document.machine.cpus > 0);

      const fleets = document.scenarios.filter((s): s is Fleet => 'phases' in s);
      assert.equal(fleets.length, 2, 'a catalog with first scans and reports, and a bigger catalog with rescans');
      for (const fleet of fleets) {
        assert.equal(fleet.errors, 0, fleet.scenario);
        assert.ok(fleet.catalog.load.documents > 0 && fleet.catalog.load.documentsPerSecond > 0 && fleet.catalog.approvals > 0);
        assert.ok(fleet.catalog.load.serverCpuMsPerDocument > 0, 'server CPU per imported document');
        assert.equal(fleet.catalog.load.documents, fleet.catalog.revisions, `${fleet.scenario}: every generated document imported, none refused`);
        assert.ok(fleet.catalog.documents.from2To20KB > fleet.catalog.revisions / 2, 'most documents are 2–20 KB');
        // --quick also runs the product-set fleet (2 of the 24 products per computer): it sees less of the catalog.
        // --rescan-repeats 2: each fleet's rescan phase twice, each after new approvals of its own.
        assert.deepEqual(fleet.phases.map((p) => p.phase), ['first-scan', 'rescan', 'rescan #2', 'first-scan (2 of 24 products)', 'rescan (2 of 24 products)', 'rescan (2 of 24 products) #2']);
        const [everyProduct, , , twoProducts, twoProductsRescan] = fleet.phases;
        assert.ok(twoProducts!.updatesOfferedPerWalk < everyProduct!.updatesOfferedPerWalk, `${fleet.scenario}: a computer with 2 of 24 products is offered less than one with all of them`);
        assert.ok((twoProductsRescan!.cachedIdsPerCall ?? 0) > 0, `${fleet.scenario}: rescans report the ids they send`);
        for (const phase of fleet.phases) {
          assert.ok(phase.walks > 0 && phase.requestsPerSecond > 0 && phase.walksPerSecond > 0 && phase.walksPerCoreSecond > 0 && phase.serverCpuMsPerWalk > 0, `${fleet.scenario} ${phase.phase}`);
          assert.ok(phase.latencyMs.SyncUpdates && phase.latencyMs.SyncUpdates.count > 0 && phase.latencyMs.SyncUpdates.p99 > 0);
          // Every call came back with the server's own timing (Server-Timing), and each lies inside the client's.
          const server = phase.serverLatencyMs.SyncUpdates;
          assert.equal(server?.count, phase.latencyMs.SyncUpdates.count, `${fleet.scenario} ${phase.phase}: server-timed SyncUpdates calls`);
          assert.ok(server.p50 > 0 && server.max <= phase.latencyMs.SyncUpdates.max, `${fleet.scenario} ${phase.phase}: server time ${server.max} within the client's ${phase.latencyMs.SyncUpdates.max}`);
          // Every call was stamped at its send: send→answer holds the server's time and lies inside the client's.
          const sent = phase.sentToAnsweredLatencyMs.SyncUpdates;
          assert.equal(sent?.count, phase.latencyMs.SyncUpdates.count, `${fleet.scenario} ${phase.phase}: stamped SyncUpdates calls`);
          for (const q of ['p50', 'p99', 'max'] as const) assert.ok(sent[q] >= server[q] && sent[q] <= phase.latencyMs.SyncUpdates[q] + 0.01, `${fleet.scenario} ${phase.phase}: ${q} server ${server[q]} <= sent→answered ${sent[q]} <= client ${phase.latencyMs.SyncUpdates[q]}`);
          assert.ok(phase.fleetCpuSeconds > 0, `${fleet.scenario} ${phase.phase}: the fleet's CPU`);
          // The fleet's collections: major pauses are part of all pauses, and a heap is in use.
          const gc = phase.fleetGc;
          assert.ok(gc.heapUsedMiB > 0 && gc.majorCount >= 0 && gc.majorPauseMs <= gc.pauseMs, `${fleet.scenario} ${phase.phase}: fleet GC ${JSON.stringify(gc)}`);
        }
        const first = fleet.phases[0]!.latencyMs;
        for (const op of ['GetConfig', 'GetAuthorizationCookie', 'GetCookie', 'RegisterComputer', 'SyncUpdates', 'GetExtendedUpdateInfo', 'GetFileLocations', 'Content (1 MiB range)', 'ReportEventBatch']) {
          assert.ok((first[op]?.count ?? 0) > 0, `${fleet.scenario}: first scans measured ${op}`);
        }
        assert.deepEqual(fleet.ceiling.map((c) => c.phase), ['first-scan', 'rescan']);
        for (const c of fleet.ceiling) assert.ok(c.ratio > 0 && c.watershed.errors === 0 && c.ceiling.errors === 0);
        assert.ok((fleet.serverRssMiB.peak ?? 0) > 0 && fleet.eventStoreBytes > 0);
      }
      // The scan catalog's giant document (9 MiB in --quick) is over the 8 MiB body limit: it went in by upload and was imported.
      assert.equal(fleets[0]!.catalog.load.uploadedDocuments, 1);
      assert.ok(fleets[0]!.catalog.documents.largestBytes > 9 * 1024 * 1024 - 1024, 'the giant document is in the imported catalog');
      // The rescan scenario's p99 summarized over its four rescan phases (one size in --quick: ratio 1).
      const scaling = (document as unknown as { rescanScaling: { scenario: string; phases: number; p99Ms: number[]; p99MedianMs: number; p99RatioToSmallest: number }[] }).rescanScaling;
      assert.deepEqual(scaling.map((r) => [r.scenario, r.phases, r.p99Ms.length, r.p99RatioToSmallest]), [['rescan-600', 4, 4, 1]]);
      assert.ok(scaling[0]!.p99MedianMs > 0);
      const reports = fleets[0]!.reports;
      assert.ok(reports && reports.computers > 0 && reports.errors === 0);
      assert.ok(reports.ingest.eventsPerSecond > 0 && reports.ingest.serverCpuMsPerEvent > 0, 'ingest rate and server CPU per reported event');
      for (const q of ['GET /reports/updates/:id', 'GET /reports/computers/:id', 'GET /reports/computers (page of 100)', 'GET /reports/groups']) {
        assert.ok((reports.latencyMs[q]?.count ?? 0) > 0, `report query ${q} measured`);
      }

      // The report queries at scale, tiny: a seeded fleet, the projection's catch-up, every report route timed and checked.
      const scale = (document.scenarios as unknown as ReportScale[]).find((s) => s.scenario.startsWith('reports-'));
      assert.ok(scale, 'the reports scenario ran');
      assert.equal(scale.errors, 0, scale.firstErrors.join('\n'));
      assert.ok(scale.seed && scale.seed.events > 0 && scale.seed.statusCells > scale.computers, 'the fleet was seeded as events');
      assert.ok(scale.projection && scale.projection.eventsPerSecond > 0, 'projection catch-up measured');
      for (const q of ['updates/:id (popular, All Computers)', 'updates/:id (popular) ?byGroup csv', 'computers/:id', 'computers (deep page of 100, 90%)', 'groups (compliance)', 'synchronizations csv']) {
        assert.ok((scale.latencyMs[q]?.count ?? 0) > 0, `report query ${q} timed`);
      }
      assert.ok(scale.checks.includes('updates/:id (popular, All Computers)') && scale.checks.includes('groups (compliance)'), 'answers checked against the seed');

      const content = document.scenarios.find((s) => s.scenario === 'content-download');
      assert.ok(content && 'ratioToCeiling' in content);
      assert.equal(content.watershed.length, content.ceiling.length);
      for (const r of content.watershed) assert.ok(r.requestsPerSecond > 0 && r.megabytesPerSecond > 0 && r.latencyMs.p99 > 0 && r.errors === 0);
      assert.ok(content.ratioToCeiling.every((r) => r.ratio > 0));
      assert.match(readFileSync(path.join(out, 'content-latency.svg'), 'utf8'), /^<svg /);
      assert.match(readFileSync(path.join(out, 'scan-latency.svg'), 'utf8'), /^<svg /);
      assert.match(run.stdout, /content-download\s+watershed/);
      assert.match(run.stdout, /first-scan/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
