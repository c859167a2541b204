import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { categoryDocumentXml, startWatershed, type WatershedProcess, WindowsUpdateAgentClient } from '#test-support';

const UPDATES_CLASSIFICATION = 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83';
const SECURITY_CLASSIFICATION = '0fa1201d-4330-4fa8-8ae9-b877473b6441';

/**
 * An automatic approval rule against the built server: a rule made first approves an update
 * published afterwards (the process manager following UpdateRevisionImported), a client in the
 * rule's group is offered it at its next scan, an update of another classification is left alone,
 * and running the rule on demand approves an update that was there before the rule.
 */
describe('automatic approval of an update published after the rule', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-rules-'));
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
  const publish = async (title: string, classification: string, productId: string): Promise<{ updateId: string; revisionId: number }> => {
    const published = await api<{ updateId: string; revisionId: number }>('POST', '/api/v1/updates/publish', {
      title,
      description: title,
      classification,
      productIds: [productId],
      applicability: { isInstalled: { type: 'False' }, isInstallable: { type: 'True' } },
      installer: { kind: 'commandLine', program: 'setup.exe', arguments: '/quiet', returnCodes: [{ code: 0, result: 'Succeeded' }] },
      files: [{ fileName: 'setup.exe', contentBase64: randomBytes(2048).toString('base64') }],
    });
    assert.equal(published.status, 201, JSON.stringify(published.body));
    return published.body;
  };
  type Approvals = { approvals: { groupId: string; action: string; deadline: string | null; changedBy: string }[] };

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('approves it for the rule\'s group as it arrives, and the client is offered it', async () => {
    const productId = randomUUID();
    for (const category of [
      { updateId: productId, title: 'Contoso Tools', type: 'Product' as const },
      { updateId: UPDATES_CLASSIFICATION, title: 'Updates', type: 'UpdateClassification' as const },
      { updateId: SECURITY_CLASSIFICATION, title: 'Security Updates', type: 'UpdateClassification' as const },
    ]) {
      const imported = await api('POST', '/api/v1/updates/import', { xml: categoryDocumentXml(category), source: 'imported' });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
    }
    const earlier = await publish('Contoso Agent 2.0', 'Updates', productId);

    const group = await api<{ id: string }>('POST', '/api/v1/groups', { name: 'Pilot' });
    assert.equal(group.status, 201);
    const configuration = await api<Record<string, unknown>>('GET', '/api/v1/configuration');
    assert.equal((await api('PUT', '/api/v1/configuration', { ...strip(configuration.body), targetingMode: 'client-side' })).status, 200);
    const rule = await api<{ id: string }>('POST', '/api/v1/approval-rules', {
      name: 'Contoso updates to Pilot',
      classificationIds: [UPDATES_CLASSIFICATION],
      productIds: [productId],
      groupIds: [group.body.id],
      deadlineOffsetDays: 7,
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));

    const published = await publish('Contoso Agent 2.1', 'Updates', productId);
    const security = await publish('Contoso Agent security fix', 'Security Updates', productId);

    let approvals: Approvals['approvals'] = [];
    for (let i = 0; i < 150 && approvals.length === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      approvals = (await api<Approvals>('GET', `/api/v1/updates/${published.updateId}/approvals`)).body.approvals;
    }
    assert.equal(approvals.length, 1, 'the rule approved the update published after it');
    assert.equal(approvals[0]!.groupId, group.body.id);
    assert.equal(approvals[0]!.action, 'Install');
    assert.equal(approvals[0]!.changedBy, `rule:${rule.body.id}`);
    const days = (Date.parse(approvals[0]!.deadline!) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, approvals[0]!.deadline!);
    assert.deepEqual((await api<Approvals>('GET', `/api/v1/updates/${security.updateId}/approvals`)).body.approvals, [], 'another classification is not approved');
    assert.deepEqual((await api<Approvals>('GET', `/api/v1/updates/${earlier.updateId}/approvals`)).body.approvals, [], 'an update from before the rule waits for a run');

    const client = new WindowsUpdateAgentClient(server.url, { clientId: randomUUID(), dnsName: 'pc-rule-01.contoso.test', targetGroups: ['Pilot'] });
    await client.handshake();
    const offered = (await client.syncSoftware()).flatMap((p) => p.newUpdates);
    const offer = offered.find((u) => u.revisionId === published.revisionId);
    assert.ok(offer, 'the auto-approved update is offered to a client of the group');
    assert.equal(offer.deploymentAction, 'Install');
    assert.ok(!offered.some((u) => u.revisionId === security.revisionId));

    const run = await api<{ approved: { updateId: string; groupId: string }[] }>('POST', `/api/v1/approval-rules/${rule.body.id}/run`);
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.deepEqual(run.body.approved.map((a) => [a.updateId, a.groupId]), [[earlier.updateId, group.body.id]]);
  });
});

/** The GET answer without the read-only fields, as PUT takes it. */
function strip(view: Record<string, unknown>): Record<string, unknown> {
  const { version: _v, changedAt: _a, changedBy: _b, ...settings } = view;
  return settings;
}
