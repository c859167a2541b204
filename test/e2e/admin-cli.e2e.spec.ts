import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runWatershedCli, startWatershed, type WatershedProcess } from '#test-support';

/** The built `watershed` binary administering a running server over the REST API. */
describe('admin CLI against a running server', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-cli-'));
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;
  let cliEnv: NodeJS.ProcessEnv;

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
    cliEnv = { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: token };
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, lists, renames and deletes a group; tables by default, JSON on request', () => {
    const created = runWatershedCli(['groups', 'create', 'Pilot', '--json'], cliEnv);
    assert.equal(created.code, 0, created.stderr);
    const group = JSON.parse(created.stdout) as { id: string; name: string };
    assert.equal(group.name, 'Pilot');

    const listed = runWatershedCli(['groups', 'list'], cliEnv);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+NAME\s+PARENT/m);
    assert.match(listed.stdout, new RegExp(`${group.id}\\s+Pilot\\s+All Computers`));
    assert.match(listed.stdout, /Unassigned Computers/);

    const stale = runWatershedCli(['groups', 'rename', group.id, 'Ring 1', '--if-match', '"999"'], cliEnv);
    assert.equal(stale.code, 5, 'a stale ETag is refused');
    assert.match(stale.stderr, /412|PRECONDITION|VERSION/i);
    const renamed = runWatershedCli(['groups', 'rename', group.id, 'Ring 1', '--json'], cliEnv);
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal((JSON.parse(renamed.stdout) as { name: string }).name, 'Ring 1');

    const deleted = runWatershedCli(['groups', 'delete', group.id], cliEnv);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.doesNotMatch(runWatershedCli(['groups', 'list'], cliEnv).stdout, /Ring 1/);
  });

  it('sets the targeting mode and refuses unknown updates with exit code 5', () => {
    const mode = runWatershedCli(['computers', 'targeting-mode', 'client-side'], cliEnv);
    assert.equal(mode.code, 0, mode.stderr);
    assert.match(mode.stdout, /client-side/);
    const missing = runWatershedCli(['updates', 'approve', '00000000-0000-0000-0000-00000000abcd', '--group', 'a0a08746-4dbe-4a37-9adf-9e7652c0b421'], cliEnv);
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /UPDATE\.NOT_FOUND/);
  });

  it('uses documented exit codes for a wrong token, an unreachable server and usage errors', () => {
    const wrongToken = runWatershedCli(['groups', 'list'], { ...cliEnv, WATERSHED_TOKEN: 'x'.repeat(64) });
    assert.equal(wrongToken.code, 6);
    const unreachable = runWatershedCli(['groups', 'list'], { ...cliEnv, WATERSHED_SERVER: 'http://127.0.0.1:1' });
    assert.equal(unreachable.code, 4);
    assert.equal(runWatershedCli(['groups', 'explode'], cliEnv).code, 2);
    assert.equal(runWatershedCli(['groups', 'list'], { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: '' }).code, 2);
    assert.equal(runWatershedCli(['updates', 'approve'], cliEnv).code, 2);
    assert.equal(runWatershedCli(['groups', 'list', '--bogus'], cliEnv).code, 2);
  });
});
