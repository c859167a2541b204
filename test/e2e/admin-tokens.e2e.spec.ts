import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runWatershedCli, startWatershed } from '#test-support';

/** Tokens made with the CLI: stored as their hash in the log, accepted by the server, revocable. */
describe('watershed tokens', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-tokens-'));
  const env = { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', WATERSHED_ADMIN_TOKENS: '' };
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a token the server accepts, lists it, and revokes it', async () => {
    const noToken = await startWatershed(['--port', '0'], env);
    const refused = await fetch(`${noToken.url}/api/v1/groups`);
    assert.equal(refused.status, 401);
    assert.match(JSON.stringify(await refused.json()), /watershed tokens create/);
    await noToken.stop();

    const created = runWatershedCli(['tokens', 'create', '--name', 'alice', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const { tokenId, token } = JSON.parse(created.stdout) as { tokenId: string; token: string };
    assert.match(token, /^[0-9a-f]{64}$/);
    const events = runWatershedCli(['events', '--json', '--type', 'AdminTokenCreated'], env);
    assert.ok(!events.stdout.includes(token), 'only the hash is stored');

    const server = await startWatershed(['--port', '0'], env);
    const ok = await fetch(`${server.url}/api/v1/groups`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    const created2 = await fetch(`${server.url}/api/v1/groups`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name":"By Alice"}' });
    assert.equal(created2.status, 201);
    await server.stop();
    const audit = runWatershedCli(['events', '--json', '--type', 'ComputerGroupCreated'], env);
    assert.match(audit.stdout, new RegExp(`"actor": "admin:alice#${tokenId.slice(0, 8)}"`), 'the audit trail names the token');

    const listed = runWatershedCli(['tokens', 'list'], env);
    assert.match(listed.stdout, new RegExp(`${tokenId}\\s+alice\\s+\\S+\\s+active`));
    assert.equal(runWatershedCli(['tokens', 'revoke', tokenId], env).code, 0);
    assert.match(runWatershedCli(['tokens', 'list'], env).stdout, /revoked/);
    assert.equal(runWatershedCli(['tokens', 'revoke', '00000000-0000-4000-8000-000000000000'], env).code, 5);
    assert.equal(runWatershedCli(['tokens', 'create'], env).code, 2);

    const after = await startWatershed(['--port', '0'], env);
    assert.equal((await fetch(`${after.url}/api/v1/groups`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
    await after.stop();
  });
});
