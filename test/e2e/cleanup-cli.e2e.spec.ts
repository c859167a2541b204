import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runWatershedCli, startWatershed, type WatershedProcess } from '#test-support';

/** `watershed cleanup` and the retention flags of `watershed configuration set`: the built binary against a running server. */
describe('cleanup CLI against a running server', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-cli-cleanup-'));
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
    env = { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: token };
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('configuration set: the retention flags change those settings and keep the rest; the table shows them', () => {
    const set = runWatershedCli(['configuration', 'set', '--cleanup-schedule', '01:30', '--superseded-days', '45', '--report-event-days', '120', '--json'], env);
    assert.equal(set.code, 0, set.stderr);
    const after = JSON.parse(set.stdout) as { retention: unknown };
    assert.deepEqual(after.retention, { schedule: 'daily 01:30', supersededUpdateDays: 45, declinedUpdateDays: 30, staleComputerDays: 30, reportEventDays: 120 });
    const off = runWatershedCli(['configuration', 'set', '--cleanup-schedule', 'off', '--declined-days', '7'], env);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /cleanup schedule\s+off/);
    assert.match(off.stdout, /declined updates kept\s+7 days/);
    assert.match(off.stdout, /superseded updates kept\s+45 days/);
  });

  it('configuration set: bad retention flags exit non-zero with a message, and change nothing', () => {
    const before = runWatershedCli(['configuration', 'show', '--json'], env).stdout;
    const notNumber = runWatershedCli(['configuration', 'set', '--stale-computer-days', 'many'], env);
    assert.equal(notNumber.code, 2);
    assert.match(notNumber.stderr, /--stale-computer-days must be a whole number of days/);
    const zero = runWatershedCli(['configuration', 'set', '--superseded-days', '0'], env);
    assert.equal(zero.code, 5);
    assert.match(zero.stderr, /CONFIGURATION\.INVALID.*retention\.supersededUpdateDays/);
    const badTime = runWatershedCli(['configuration', 'set', '--cleanup-schedule', '24:00'], env);
    assert.equal(badTime.code, 5);
    assert.match(badTime.stderr, /retention\.schedule/);
    assert.equal(runWatershedCli(['configuration', 'show', '--json'], env).stdout, before);
  });

  it('cleanup run --dry-run, cleanup run, cleanup history and show: tables and --json', () => {
    const dry = runWatershedCli(['cleanup', 'run', '--dry-run', '--json'], env);
    assert.equal(dry.code, 0, dry.stderr);
    const dryRun = JSON.parse(dry.stdout) as { id: string; dryRun: boolean; status: string; counts: Record<string, number> };
    assert.deepEqual([dryRun.dryRun, dryRun.status], [true, 'completed']);
    assert.deepEqual(dryRun.counts, {
      expiredSupersededUpdates: 0, expiredDeclinedUpdates: 0, removedApprovals: 0, removedComputers: 0, prunedReportEvents: 0, prunedReportComputers: 0,
      deletedContentFiles: 0, deletedUploads: 0, freedContentBytes: 0,
    });
    const run = runWatershedCli(['cleanup', 'run'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^RUN\s+STARTED\s+TRIGGER\s+DRY RUN\s+STATUS/m);
    assert.match(run.stdout, /^RUN\s+.*\s+COMPUTERS\s+REPORT EVENTS\s+FILES DELETED\s+UPLOADS DELETED\s+BYTES FREED\s+BY/m);
    assert.match(run.stdout, /manual\s+no\s+completed\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+admin/);
    const history = runWatershedCli(['cleanup', 'history', '--json'], env);
    assert.equal(history.code, 0, history.stderr);
    const runs = (JSON.parse(history.stdout) as { runs: { id: string; dryRun: boolean }[]; total: number }).runs;
    assert.deepEqual(runs.map((r) => r.dryRun), [false, true]);
    assert.equal(runs[1]!.id, dryRun.id);
    const table = runWatershedCli(['cleanup', 'history'], env);
    assert.equal(table.code, 0, table.stderr);
    assert.equal(table.stdout.trim().split('\n').length, 3);
    const show = runWatershedCli(['cleanup', 'show', dryRun.id, '--json'], env);
    assert.equal(show.code, 0, show.stderr);
    assert.equal((JSON.parse(show.stdout) as { id: string }).id, dryRun.id);
  });

  it('cleanup: bad usage exits 2, an unknown run exits 5, a wrong token exits 6', () => {
    const unknownAction = runWatershedCli(['cleanup', 'purge'], env);
    assert.equal(unknownAction.code, 2);
    assert.match(unknownAction.stderr, /unknown cleanup action "purge"/);
    const badFlag = runWatershedCli(['cleanup', 'run', '--everything'], env);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--everything/);
    const dryHistory = runWatershedCli(['cleanup', 'history', '--dry-run'], env);
    assert.equal(dryHistory.code, 2);
    const unknown = runWatershedCli(['cleanup', 'show', crypto.randomUUID()], env);
    assert.equal(unknown.code, 5);
    assert.match(unknown.stderr, /CLEANUP\.RUN_NOT_FOUND/);
    const notUuid = runWatershedCli(['cleanup', 'show', 'yesterday'], env);
    assert.equal(notUuid.code, 5);
    assert.match(notUuid.stderr, /REQUEST\.INVALID/);
    const wrongToken = runWatershedCli(['cleanup', 'history'], { ...env, WATERSHED_TOKEN: 'x'.repeat(64) });
    assert.equal(wrongToken.code, 6);
  });
});
