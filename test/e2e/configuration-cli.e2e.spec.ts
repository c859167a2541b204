import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runWatershedCli, startWatershed, type WatershedProcess } from '#test-support';

const CLASSIFICATION = '0fa1201d-4330-4fa8-8ae9-b877473b6441';

/** `watershed configuration` and `watershed rules`: the built binary against a running server. */
describe('configuration and rules CLI against a running server', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-cli-config-'));
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

  const show = (): Record<string, unknown> => {
    const shown = runWatershedCli(['configuration', 'show', '--json'], env);
    assert.equal(shown.code, 0, shown.stderr);
    return JSON.parse(shown.stdout) as Record<string, unknown>;
  };

  it('shows the defaults, sets some settings keeping the rest, and prints a table', () => {
    const initial = show();
    assert.equal(initial.role, 'root');
    assert.equal(initial.version, 0);
    const set = runWatershedCli(
      ['configuration', 'set', '--role', 'autonomous-downstream', '--upstream', 'https://upstream.contoso.test:8531', '--sync', '03:00', '--random-offset', '20',
        '--rollup', 'detailed', '--languages', 'en,de', '--content-mode', 'download-after-approval', '--content-url', 'http://wsus.contoso.test:8530', '--json'],
      env,
    );
    assert.equal(set.code, 0, set.stderr);
    const after = JSON.parse(set.stdout) as Record<string, unknown>;
    assert.deepEqual(after.syncSchedule, { mode: 'daily', at: '03:00', randomOffsetMinutes: 20 });
    assert.deepEqual(after.languages, ['de', 'en']);
    assert.equal(after.upstreamServerUrl, 'https://upstream.contoso.test:8531');
    assert.equal(after.version, 1);
    const partial = runWatershedCli(['configuration', 'set', '--classifications', CLASSIFICATION, '--json'], env);
    assert.equal(partial.code, 0, partial.stderr);
    const kept = JSON.parse(partial.stdout) as Record<string, unknown>;
    assert.deepEqual(kept.classificationIds, [CLASSIFICATION]);
    assert.equal(kept.role, 'autonomous-downstream');
    const table = runWatershedCli(['configuration', 'show'], env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^SETTING\s+VALUE/m);
    assert.match(table.stdout, /sync schedule\s+daily at 03:00 \(\+ up to 20 min\)/);
    assert.match(table.stdout, /role\s+autonomous-downstream/);
  });

  it('refuses an invalid change with exit 5 and leaves the configuration as it was', () => {
    const before = show();
    const invalid = runWatershedCli(['configuration', 'set', '--role', 'root'], env);
    assert.equal(invalid.code, 5);
    assert.match(invalid.stderr, /CONFIGURATION\.INVALID.*upstreamServerUrl/);
    const badTime = runWatershedCli(['configuration', 'set', '--sync', '25:00'], env);
    assert.equal(badTime.code, 5);
    const stale = runWatershedCli(['configuration', 'set', '--rollup', 'summary', '--if-match', '0'], env);
    assert.equal(stale.code, 5);
    assert.match(stale.stderr, /VERSION_MISMATCH/);
    assert.deepEqual(show(), before);
    const root = runWatershedCli(['configuration', 'set', '--role', 'root', '--upstream', 'none', '--json'], env);
    assert.equal(root.code, 0, root.stderr);
    assert.equal((JSON.parse(root.stdout) as { upstreamServerUrl: unknown }).upstreamServerUrl, null);
  });

  it('usage errors exit 2, a wrong token 6', () => {
    assert.equal(runWatershedCli(['configuration', 'explode'], env).code, 2);
    assert.equal(runWatershedCli(['configuration', 'set', '--random-offset', 'soon'], env).code, 2);
    assert.equal(runWatershedCli(['configuration', 'show', '--bogus'], env).code, 2);
    assert.equal(runWatershedCli(['configuration', 'show'], { ...env, WATERSHED_TOKEN: 'y'.repeat(64) }).code, 6);
    assert.equal(runWatershedCli(['rules', 'create', '--name', 'x'], env).code, 2);
    assert.equal(runWatershedCli(['rules', 'delete'], env).code, 2);
    assert.equal(runWatershedCli(['rules', 'create', '--name', 'x', '--groups', 'g', '--deadline-days', 'soon'], env).code, 2);
    assert.equal(runWatershedCli(['rules', 'list'], { ...env, WATERSHED_TOKEN: 'y'.repeat(64) }).code, 6);
    assert.equal(runWatershedCli(['help', 'rules'], env).code, 0);
  });

  it('creates, lists, disables, runs and deletes a rule', () => {
    const group = runWatershedCli(['groups', 'create', 'Ring 1', '--json'], env);
    assert.equal(group.code, 0, group.stderr);
    const groupId = (JSON.parse(group.stdout) as { id: string }).id;
    const created = runWatershedCli(['rules', 'create', '--name', 'Security to ring 1', '--groups', groupId, '--classifications', CLASSIFICATION, '--deadline-days', '2', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const rule = JSON.parse(created.stdout) as { id: string; enabled: boolean; deadlineOffsetDays: number };
    assert.equal(rule.enabled, true);
    assert.equal(rule.deadlineOffsetDays, 2);
    const unknownGroup = runWatershedCli(['rules', 'create', '--name', 'Other', '--groups', '7e57a11e-0000-4000-8000-000000000000'], env);
    assert.equal(unknownGroup.code, 5);
    assert.match(unknownGroup.stderr, /GROUP\.NOT_FOUND/);
    assert.equal(runWatershedCli(['rules', 'create', '--name', 'SECURITY TO RING 1', '--groups', groupId], env).code, 5);

    const listed = runWatershedCli(['rules', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+NAME\s+ENABLED/m);
    assert.match(listed.stdout, new RegExp(`${rule.id}\\s+Security to ring 1\\s+yes\\s+${CLASSIFICATION}\\s+\\(any\\)\\s+${groupId}\\s+Install\\s+\\+2d`));

    const disabled = runWatershedCli(['rules', 'disable', rule.id, '--json'], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal((JSON.parse(disabled.stdout) as { enabled: boolean }).enabled, false);

    const run = runWatershedCli(['rules', 'run', rule.id], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /approved 0, already approved 0, skipped 0/);

    assert.equal(runWatershedCli(['rules', 'delete', rule.id], env).code, 0);
    const again = runWatershedCli(['rules', 'delete', rule.id], env);
    assert.equal(again.code, 5);
    assert.match(again.stderr, /RULE\.NOT_FOUND/);
    assert.match(runWatershedCli(['rules', 'list'], env).stdout, /\(none\)/);
  });
});
