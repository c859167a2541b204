import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { categoryDocumentXml, startWatershed, type WatershedProcess, WindowsUpdateAgentClient } from '#test-support';

const UPDATES_CLASSIFICATION = 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83';

/**
 * The administration issue's end-to-end story, all over HTTP against the built server: publish an
 * update with a real file, create a group and approve the update for it; a client assigns itself to
 * the group (client-side targeting), scans, downloads the file by ranges and verifies its hashes,
 * reports it installed; the per-update report shows it; declining puts it out of scope.
 */
describe('publish → approve → scan → download → report → decline', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-flow-'));
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;
  const api = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('walks the whole story', async () => {
    // The catalog's categories: a product and the Updates classification, as a sync would bring them.
    const productId = randomUUID();
    for (const category of [
      { updateId: productId, title: 'Contoso Tools', type: 'Product' as const },
      { updateId: UPDATES_CLASSIFICATION, title: 'Updates', type: 'UpdateClassification' as const },
    ]) {
      const imported = await api<{ revisionId: number }>('POST', '/api/v1/updates/import', { xml: categoryDocumentXml(category), source: 'imported' });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
    }

    // Publish an update with a real file.
    const file = randomBytes(2 * 1024 * 1024 + 4321);
    const sha1 = createHash('sha1').update(file).digest('base64');
    const sha256 = createHash('sha256').update(file).digest('base64');
    const published = await api<{ updateId: string; revisionNumber: number; revisionId: number }>('POST', '/api/v1/updates/publish', {
      title: 'Contoso Agent 2.1',
      description: 'Fixes the agent.',
      classification: 'Updates',
      productIds: [productId],
      applicability: {
        isInstalled: { type: 'FileVersion', path: 'Contoso\\agent.exe', comparison: 'GreaterThanOrEqualTo', version: '2.1.0.0', csidl: 38 },
        isInstallable: { type: 'True' },
      },
      installer: { kind: 'commandLine', program: 'setup.exe', arguments: '/quiet', returnCodes: [{ code: 0, result: 'Succeeded' }] },
      files: [{ fileName: 'setup.exe', contentBase64: file.toString('base64') }],
    });
    assert.equal(published.status, 201, JSON.stringify(published.body));
    const { updateId, revisionNumber, revisionId } = published.body;

    // A group, client-side targeting, and an approval for the group.
    const group = await api<{ id: string }>('POST', '/api/v1/groups', { name: 'Pilot' });
    assert.equal(group.status, 201);
    assert.equal((await api('PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' })).status, 200);
    const approved = await api('POST', `/api/v1/updates/${updateId}/approvals`, { groupId: group.body.id, action: 'Install' });
    assert.equal(approved.status, 201, JSON.stringify(approved.body));

    // The client: handshake with its target group, then the staged scan.
    const clientId = randomUUID();
    const client = new WindowsUpdateAgentClient(server.url, { clientId, dnsName: 'pc-pilot-01.contoso.test', targetGroups: ['Pilot'] });
    await client.handshake();
    const pages = await client.syncSoftware();
    const offered = pages.flatMap((p) => p.newUpdates).find((u) => u.revisionId === revisionId);
    assert.ok(offered, `the approved update is offered (got ${pages.flatMap((p) => p.newUpdates.map((u) => `${u.updateType}:${u.revisionId}`)).join(', ')})`);
    assert.equal(offered.deploymentAction, 'Install');
    assert.equal(offered.updateId, updateId);
    assert.equal(offered.isLeaf, true);

    // Its file: location, ranged download, hashes as published.
    const [location] = await client.getFileLocations([sha1]);
    assert.ok(location?.url.includes('/Content/'), JSON.stringify(location));
    const downloaded = await client.download(location!.url, 1024 * 1024);
    assert.equal(downloaded.sha1, sha1);
    assert.equal(downloaded.sha256, sha256);

    // Reported installed (event 183), then visible in the per-update report.
    assert.equal(await client.reportEvents([{ eventInstanceId: randomUUID(), eventId: 183, updateId, revisionNumber }]), true);
    let report: { counts: { installed: number } } | null = null;
    for (let i = 0; i < 100 && (report?.counts.installed ?? 0) < 1; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      report = (await api<{ counts: { installed: number } }>('GET', `/api/v1/reports/updates/${updateId}`)).body;
    }
    assert.equal(report?.counts.installed, 1, JSON.stringify(report));
    const csv = await fetch(`${server.url}/api/v1/reports/computers/${clientId}?format=csv`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), new RegExp(`${updateId},Contoso Agent 2\\.1,installed,183`));

    // A second Pilot computer fails to install it: the group is half compliant.
    const second = new WindowsUpdateAgentClient(server.url, { clientId: randomUUID(), dnsName: 'pc-pilot-02.contoso.test', targetGroups: ['Pilot'] });
    await second.handshake();
    assert.equal(await second.reportEvents([{ eventInstanceId: randomUUID(), eventId: 182, updateId, revisionNumber, win32HResult: -2145124329 }]), true);
    type Compliance = { groups: { groupId: string; name: string; computers: number; compliant: number; withFailures: number; compliancePercent: number | null }[] };
    let pilot: Compliance['groups'][number] | undefined;
    for (let i = 0; i < 100 && pilot?.withFailures !== 1; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      pilot = (await api<Compliance>('GET', '/api/v1/reports/groups')).body.groups.find((g) => g.groupId === group.body.id);
    }
    assert.deepEqual(
      { name: pilot?.name, computers: pilot?.computers, compliant: pilot?.compliant, withFailures: pilot?.withFailures, percent: pilot?.compliancePercent },
      { name: 'Pilot', computers: 2, compliant: 1, withFailures: 1, percent: 50 },
    );

    // Declined: out of scope at the next scan.
    assert.equal((await api('POST', `/api/v1/updates/${updateId}/decline`, {})).status, 200);
    const rescan = await client.syncUpdatesPage();
    assert.ok(rescan.outOfScope.includes(revisionId), `declined revision ${revisionId} is out of scope: ${JSON.stringify(rescan.outOfScope)}`);
    assert.ok(!rescan.newUpdates.some((u) => u.revisionId === revisionId));
  });
});
