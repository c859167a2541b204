import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AdminApi, type AdminReply } from '../support/scenario/index.js';
import { type ImportableDocument, runWatershedCli, softwareDocument, startWatershed, type WatershedProcess } from '#test-support';

const EN_TEXT = 'CONTOSO SOFTWARE LICENSE TERMS\nBy installing this update you agree to these terms.\n';
const DE_TEXT = 'CONTOSO SOFTWARE-LIZENZBEDINGUNGEN\nMit der Installation stimmen Sie diesen Bedingungen zu. Größe, Übung.\n';
/** Microsoft ships license files as UTF-16 with a byte-order mark as often as UTF-8. */
const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);


/**
 * License terms before approval and the synchronization history, against the built server: the API
 * over HTTP (refusals with their codes, nothing changed by a refusal), then the CLI binary.
 */
describe('EULA acceptance and synchronization history (built server, API and CLI)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-eula-'));
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;
  let cliEnv: NodeJS.ProcessEnv;
  let groupId: string;
  const imports: { status: number; change?: string }[] = [];

  const call = <T = any>(method: string, url: string, body?: unknown, auth = true): Promise<AdminReply<T>> => // eslint-disable-line @typescript-eslint/no-explicit-any
    new AdminApi(server.url, token).call<T>(method, url, body, { auth });
  const importDocument = async (doc: Pick<ImportableDocument, 'xml' | 'files'>): Promise<AdminReply> => {
    const reply = await call('POST', '/api/v1/updates/import', { xml: doc.xml, source: 'imported', files: doc.files });
    imports.push({ status: reply.status, change: reply.body?.change });
    return reply;
  };
  const refused = async (status: number, code: string, method: string, url: string, body?: unknown): Promise<AdminReply> => {
    const reply = await call(method, url, body);
    assert.equal(reply.status, status, `${method} ${url}: ${reply.text}`);
    assert.equal(reply.body?.error?.code, code, reply.text);
    return reply;
  };
  const approvals = async (updateId: string): Promise<{ groupId: string; action: string; changedBy: string }[]> =>
    (await call('GET', `/api/v1/updates/${updateId}/approvals`)).body.approvals;

  const ids = { licensed: randomUUID(), member: randomUUID(), bundle: randomUUID(), plain: randomUUID(), ruled: randomUUID() };
  const eulas = { licensed: randomUUID(), member: randomUUID(), ruled: randomUUID() };
  const licensed = softwareDocument({
    updateId: ids.licensed,
    localizations: [{ language: 'en', title: 'Contoso Licensed Tool' }],
    categoryIds: [],
    files: [{ fileName: 'tool.exe', bytes: randomBytes(512) }],
    eula: {
      eulaId: eulas.licensed,
      files: [
        { language: 'en', fileName: 'eula-en.txt', bytes: Buffer.from(EN_TEXT, 'utf8') },
        { language: 'de', fileName: 'eula-de.txt', bytes: utf16le(DE_TEXT) },
      ],
    },
  });

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
    cliEnv = { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: token };
    const group = await call('POST', '/api/v1/groups', { name: 'Pilot' });
    assert.equal(group.status, 201, group.text);
    groupId = group.body.id;
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports an update with its license files and shows the license text by locale', async () => {
    const imported = await importDocument(licensed);
    assert.equal(imported.status, 201, imported.text);
    assert.equal(imported.body.change, 'new');
    assert.match(imported.body.synchronizationId, /^[0-9a-f-]{36}$/);
    assert.equal(imported.body.storedFiles.length, 3, 'the installer and both license files are stored');

    const en = await call('GET', `/api/v1/updates/${ids.licensed}/eula`);
    assert.equal(en.status, 200, en.text);
    assert.equal(en.body.accepted, false);
    assert.equal(en.body.eulas.length, 1);
    const eula = en.body.eulas[0];
    assert.equal(eula.eulaId, eulas.licensed);
    assert.equal(eula.accepted, null);
    assert.deepEqual(eula.available.map((a: { locale: string }) => a.locale).sort(), ['de', 'en']);
    assert.equal(eula.files.length, 1);
    assert.equal(eula.files[0].locale, 'en');
    assert.equal(eula.files[0].text, EN_TEXT);
    assert.equal(eula.files[0].stored, true);

    const de = await call('GET', `/api/v1/updates/${ids.licensed}/eula?locale=de-AT`);
    assert.equal(de.body.eulas[0].files[0].locale, 'de');
    assert.equal(de.body.eulas[0].files[0].text, DE_TEXT, 'UTF-16 with a byte-order mark is decoded');
  });

  it('refuses an install approval until the license is accepted (409 EULA.NOT_ACCEPTED), and changes nothing', async () => {
    const reply = await refused(409, 'EULA.NOT_ACCEPTED', 'POST', `/api/v1/updates/${ids.licensed}/approvals`, { groupId, action: 'Install' });
    assert.deepEqual(reply.body.error.details.eulas, [{ eulaId: eulas.licensed, updateId: ids.licensed, revisionNumber: 200 }]);
    await refused(409, 'EULA.NOT_ACCEPTED', 'POST', `/api/v1/updates/${ids.licensed}/approvals`, { groupId, action: 'OptionalInstall' });
    assert.deepEqual(await approvals(ids.licensed), []);
    assert.equal((await call('GET', `/api/v1/updates/${ids.licensed}/eula`)).body.accepted, false);
  });

  it('accepts the license explicitly, once, and then approves', async () => {
    const accepted = await call('POST', `/api/v1/updates/${ids.licensed}/eula/acceptance`, {});
    assert.equal(accepted.status, 201, accepted.text);
    assert.equal(accepted.body.acceptedEulas.length, 1);
    assert.equal(accepted.body.acceptedEulas[0].eulaId, eulas.licensed);
    assert.match(accepted.body.acceptedEulas[0].acceptedBy, /^admin:/);
    const again = await call('POST', `/api/v1/updates/${ids.licensed}/eula/acceptance`, {});
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.acceptedEulas, []);

    const shown = await call('GET', `/api/v1/updates/${ids.licensed}/eula`);
    assert.equal(shown.body.accepted, true);
    assert.equal(shown.body.eulas[0].accepted.updateId, ids.licensed);
    assert.ok(Date.parse(shown.body.eulas[0].accepted.acceptedAt) > 0);

    const approved = await call('POST', `/api/v1/updates/${ids.licensed}/approvals`, { groupId, action: 'Install' });
    assert.equal(approved.status, 201, approved.text);
    assert.deepEqual(approved.body.acceptedEulas, []);
  });

  it('needs a bundle member\'s license for the bundle, and accepts it with acceptEula on the approval', async () => {
    const member = softwareDocument({
      updateId: ids.member,
      revisionNumber: 100,
      localizations: [{ language: 'en', title: 'Contoso Component' }],
      categoryIds: [],
      files: [{ fileName: 'component.exe', bytes: randomBytes(256) }],
      // The license is declared but its file not supplied: the admin sees where it would be, not its text.
      eula: { eulaId: eulas.member, files: [{ language: 'en', fileName: 'component-eula.txt', bytes: Buffer.from('component terms'), upload: false }] },
    });
    const bundle = softwareDocument({
      updateId: ids.bundle,
      localizations: [{ language: 'en', title: 'Contoso Suite' }],
      categoryIds: [],
      bundledUpdates: [{ updateId: ids.member, revisionNumber: 100 }],
    });
    assert.equal((await importDocument(member)).status, 201);
    assert.equal((await importDocument(bundle)).status, 201);

    const shown = await call('GET', `/api/v1/updates/${ids.bundle}/eula`);
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.eulas.length, 1);
    assert.equal(shown.body.eulas[0].updateId, ids.member, 'the license comes from the member');
    assert.equal(shown.body.eulas[0].files[0].stored, false);
    assert.equal(shown.body.eulas[0].files[0].text, null);
    assert.match(shown.body.eulas[0].files[0].urlPath, /^\/Content\/[0-9A-F]{2}\/[0-9A-F]{40}\.txt$/);

    await refused(409, 'EULA.NOT_ACCEPTED', 'POST', `/api/v1/updates/${ids.bundle}/approvals`, { groupId, action: 'Install' });
    const approved = await call('POST', `/api/v1/updates/${ids.bundle}/approvals`, { groupId, action: 'Install', acceptEula: true });
    assert.equal(approved.status, 201, approved.text);
    assert.deepEqual(
      approved.body.acceptedEulas.map((e: { eulaId: string; updateId: string }) => [e.eulaId, e.updateId]),
      [[eulas.member, ids.member]],
    );
    assert.equal((await call('GET', `/api/v1/updates/${ids.member}/eula`)).body.accepted, true, 'accepted for the member too');
  });

  it('answers 404 for an update without a license and validates every input', async () => {
    assert.equal((await importDocument(softwareDocument({ updateId: ids.plain, localizations: [{ language: 'en', title: 'Plain' }], categoryIds: [] }))).status, 201);
    await refused(404, 'EULA.NOT_FOUND', 'GET', `/api/v1/updates/${ids.plain}/eula`);
    await refused(404, 'EULA.NOT_FOUND', 'POST', `/api/v1/updates/${ids.plain}/eula/acceptance`, {});
    await refused(404, 'UPDATE.NOT_FOUND', 'GET', `/api/v1/updates/${randomUUID()}/eula`);
    await refused(404, 'UPDATE.NOT_FOUND', 'POST', `/api/v1/updates/${randomUUID()}/eula/acceptance`, {});
    await refused(404, 'UPDATE.REVISION_NOT_FOUND', 'GET', `/api/v1/updates/${ids.licensed}/eula?revisionNumber=7`);
    await refused(400, 'REQUEST.INVALID', 'GET', `/api/v1/updates/not-a-guid/eula`);
    await refused(400, 'REQUEST.INVALID', 'GET', `/api/v1/updates/${ids.licensed}/eula?locale=%3Cscript%3E`);
    await refused(400, 'REQUEST.INVALID', 'GET', `/api/v1/updates/${ids.licensed}/eula?revisionNumber=-1`);
    await refused(400, 'REQUEST.INVALID', 'GET', `/api/v1/updates/${ids.licensed}/eula?bogus=1`);
    await refused(400, 'REQUEST.INVALID', 'POST', `/api/v1/updates/${ids.licensed}/eula/acceptance`, { revisionNumber: -1 });
    await refused(400, 'REQUEST.INVALID', 'POST', `/api/v1/updates/${ids.licensed}/eula/acceptance`, { accept: true });
    await refused(400, 'REQUEST.INVALID', 'POST', `/api/v1/updates/${ids.licensed}/approvals`, { groupId, action: 'Install', acceptEula: 'yes' });
    for (const [method, url] of [
      ['GET', `/api/v1/updates/${ids.licensed}/eula`],
      ['POST', `/api/v1/updates/${ids.licensed}/eula/acceptance`],
      ['GET', '/api/v1/reports/synchronizations'],
    ] as const) {
      const anonymous = await call(method, url, method === 'POST' ? {} : undefined, false);
      assert.equal(anonymous.status, 401, `${method} ${url} without a token`);
    }
  });

  it('lets approval rules approve an update only once its license is accepted (WSUS leaves EULA updates to an admin)', async () => {
    const rule = await call('POST', '/api/v1/approval-rules', { name: 'Everything for Pilot', groupIds: [groupId] });
    assert.equal(rule.status, 201, rule.text);
    const ruled = softwareDocument({
      updateId: ids.ruled,
      localizations: [{ language: 'en', title: 'Contoso Ruled' }],
      categoryIds: [],
      files: [{ fileName: 'ruled.exe', bytes: randomBytes(128) }],
      eula: { eulaId: eulas.ruled, files: [{ language: 'en', fileName: 'ruled-eula.txt', bytes: Buffer.from('ruled terms') }] },
    });
    assert.equal((await importDocument(ruled)).status, 201);
    const first = await call('POST', `/api/v1/approval-rules/${rule.body.id}/run`, {});
    assert.equal(first.status, 200, first.text);
    const skipped = first.body.skipped.find((s: { updateId: string }) => s.updateId === ids.ruled);
    assert.equal(skipped?.code, 'EULA.NOT_ACCEPTED', first.text);
    assert.deepEqual(await approvals(ids.ruled), []);

    assert.equal((await call('POST', `/api/v1/updates/${ids.ruled}/eula/acceptance`, {})).status, 201);
    const second = await call('POST', `/api/v1/approval-rules/${rule.body.id}/run`, {});
    assert.ok(second.body.approved.some((a: { updateId: string }) => a.updateId === ids.ruled), second.text);
    const [approval] = await approvals(ids.ruled);
    assert.equal(approval?.changedBy, `rule:${rule.body.id}`);
    assert.equal(approval?.action, 'Install');
  });

  it('records every import request as a synchronization run: new, revised, expired, unchanged, refused', async () => {
    assert.equal((await importDocument(licensed)).body.change, 'unchanged');
    const revised = softwareDocument({ updateId: ids.plain, revisionNumber: 201, localizations: [{ language: 'en', title: 'Plain v2' }], categoryIds: [] });
    assert.equal((await importDocument(revised)).body.change, 'revised');
    const expired = softwareDocument({ updateId: randomUUID(), localizations: [{ language: 'en', title: 'Gone' }], categoryIds: [], publicationState: 'Expired' });
    assert.equal((await importDocument(expired)).body.change, 'expired');
    const broken = await importDocument({ xml: `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"><upd:UpdateIdentity UpdateID="${ids.plain}" RevisionNumber="300" /></upd:Update>`, files: [] });
    assert.ok(broken.status >= 400 && broken.status < 500, broken.text);
    assert.equal(broken.body.error.code, 'UPDATE.INVALID_DOCUMENT');

    const history = await call('GET', '/api/v1/reports/synchronizations');
    assert.equal(history.status, 200, history.text);
    assert.equal(history.body.total, imports.length);
    const runs = history.body.synchronizations as { source: string; trigger: string; result: string; newUpdates: number; revisedUpdates: number; expiredUpdates: number; unchangedUpdates: number; errorCount: number; errors: { updateId: string; code: string }[]; startedBy: string; finishedAt: string }[];
    assert.equal(runs.length, imports.length);
    assert.ok(runs.every((r) => r.source === 'import' && r.trigger === 'manual' && r.finishedAt !== null && /^admin:/.test(r.startedBy)));
    const [newest, expiredRun, revisedRun, unchangedRun] = runs;
    assert.equal(newest!.result, 'completed-with-errors');
    assert.equal(newest!.errorCount, 1);
    assert.equal(newest!.errors[0]!.updateId, ids.plain, 'the refused document\'s identity is kept');
    assert.equal(newest!.errors[0]!.code, broken.body.error.code);
    assert.deepEqual([expiredRun!.expiredUpdates, revisedRun!.revisedUpdates, unchangedRun!.unchangedUpdates], [1, 1, 1]);
    assert.equal(runs.filter((r) => r.result === 'succeeded').reduce((n, r) => n + r.newUpdates, 0), imports.filter((i) => i.change === 'new').length);

    const failedOnly = await call('GET', '/api/v1/reports/synchronizations?result=completed-with-errors&limit=5');
    assert.equal(failedOnly.body.total, 1);
    const limited = await call('GET', '/api/v1/reports/synchronizations?limit=2');
    assert.equal(limited.body.synchronizations.length, 2);
    assert.equal(limited.body.total, imports.length);

    const csv = await call('GET', '/api/v1/reports/synchronizations?format=csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = csv.text.trim().split(/\r?\n/);
    assert.equal(lines[0], 'runId,source,trigger,startedAt,finishedAt,result,newUpdates,revisedUpdates,expiredUpdates,unchangedUpdates,errorCount,firstError,startedBy');
    assert.equal(lines.length, imports.length + 1);

    await refused(400, 'REQUEST.INVALID', 'GET', '/api/v1/reports/synchronizations?limit=abc');
    await refused(400, 'REQUEST.INVALID', 'GET', '/api/v1/reports/synchronizations?limit=0');
    await refused(400, 'REQUEST.INVALID', 'GET', '/api/v1/reports/synchronizations?source=bogus');
    await refused(400, 'REQUEST.INVALID', 'GET', '/api/v1/reports/synchronizations?format=xml');
  });

  it('CLI: reads a license, refuses an approval without --accept-eula (exit 5), approves with it; shows the sync history', async () => {
    const id = randomUUID();
    const doc = softwareDocument({
      updateId: id,
      localizations: [{ language: 'en', title: 'Contoso CLI Tool' }],
      categoryIds: [],
      files: [{ fileName: 'cli.exe', bytes: randomBytes(64) }],
      eula: { eulaId: randomUUID(), files: [{ language: 'en', fileName: 'cli-eula.txt', bytes: Buffer.from(EN_TEXT) }] },
    });
    assert.equal((await importDocument(doc)).status, 201);

    const shown = runWatershedCli(['updates', 'eula', id], cliEnv);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^EULA\s+UPDATE\s+REVISION\s+ACCEPTED/m);
    assert.match(shown.stdout, /CONTOSO SOFTWARE LICENSE TERMS/);
    assert.match(shown.stdout, new RegExp(`${id}\\s+200\\s+no`));

    const refusedApproval = runWatershedCli(['updates', 'approve', id, '--group', groupId], cliEnv);
    assert.equal(refusedApproval.code, 5, refusedApproval.stderr);
    assert.match(refusedApproval.stderr, /EULA\.NOT_ACCEPTED/);
    assert.match(refusedApproval.stderr, /--accept-eula/);

    const approved = runWatershedCli(['updates', 'approve', id, '--group', groupId, '--accept-eula', '--json'], cliEnv);
    assert.equal(approved.code, 0, approved.stderr);
    const body = JSON.parse(approved.stdout) as { approval: { action: string }; acceptedEulas: { updateId: string }[] };
    assert.equal(body.approval.action, 'Install');
    assert.equal(body.acceptedEulas[0]?.updateId, id);
    const json = JSON.parse(runWatershedCli(['updates', 'eula', id, '--json'], cliEnv).stdout) as { accepted: boolean };
    assert.equal(json.accepted, true);

    const again = runWatershedCli(['updates', 'accept-eula', id], cliEnv);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /accepted already/);
    const none = runWatershedCli(['updates', 'accept-eula', ids.plain], cliEnv);
    assert.equal(none.code, 5);
    assert.match(none.stderr, /EULA\.NOT_FOUND/);

    const table = runWatershedCli(['sync', 'history', '--limit', '3'], cliEnv);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^STARTED\s+FINISHED\s+SOURCE\s+TRIGGER\s+RESULT\s+NEW\s+REVISED\s+EXPIRED\s+UNCHANGED\s+ERRORS/m);
    assert.equal(table.stdout.trim().split('\n').length, 4, 'a header and three runs');
    assert.match(table.stdout, /import\s+manual\s+succeeded\s+1\s+0\s+0\s+0\s+0/);
    const history = JSON.parse(runWatershedCli(['sync', 'history', '--json'], cliEnv).stdout) as { total: number; synchronizations: unknown[] };
    assert.equal(history.total, imports.length);
    assert.equal(runWatershedCli(['sync', 'history', '--limit', 'x'], cliEnv).code, 2);
    assert.equal(runWatershedCli(['sync', 'explode'], cliEnv).code, 2);
    const bad = runWatershedCli(['sync', 'history', '--source', 'bogus'], cliEnv);
    assert.equal(bad.code, 5);
    assert.match(bad.stderr, /REQUEST\.INVALID/);
  });
});
