import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runWatershedCli, startWatershed, type WatershedProcess, WindowsUpdateAgentClient } from '#test-support';

const ALL_COMPUTERS = 'a0a08746-4dbe-4a37-9adf-9e7652c0b421';

/**
 * The CLI commands that came with the coverage check (groups show/tree, rules show/change, reports,
 * sync history export), run as the built binary against a running server with real clients reporting.
 */
describe('reports, groups tree/show, rules show/change from the built CLI', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-reports-cli-'));
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-reports-cli-out-'));
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;
  let cliEnv: NodeJS.ProcessEnv;
  const wrongToken = (): NodeJS.ProcessEnv => ({ ...cliEnv, WATERSHED_TOKEN: 'y'.repeat(64) });
  const cli = (...args: string[]): { code: number | null; stdout: string; stderr: string } => runWatershedCli(args, cliEnv);
  const ok = (...args: string[]): string => {
    const run = cli(...args);
    assert.equal(run.code, 0, `watershed ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };
  const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${await response.clone().text()}`);
    return (await response.json()) as T;
  };

  let updateId = '';
  let pilotId = '';
  const computers = [
    { clientId: randomUUID(), dnsName: 'pc-a.contoso.test' },
    { clientId: randomUUID(), dnsName: 'pc-b.contoso.test' },
  ];

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
    cliEnv = { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: token };
    const file = randomBytes(4096);
    const published = await api<{ updateId: string; revisionNumber: number }>('POST', '/api/v1/updates/publish', {
      title: 'Contoso Agent 3.0',
      description: 'Reports from the CLI.',
      classification: 'Updates',
      applicability: { isInstalled: { type: 'False' }, isInstallable: { type: 'True' } },
      installer: { kind: 'commandLine', program: 'setup.exe', arguments: '/quiet', returnCodes: [{ code: 0, result: 'Succeeded' }] },
      files: [{ fileName: 'setup.exe', contentBase64: file.toString('base64') }],
    });
    updateId = published.updateId;
    pilotId = (await api<{ id: string }>('POST', '/api/v1/groups', { name: 'Pilot' })).id;
    await api('PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' });
    // Two computers in Pilot: one installed the update, one failed it.
    for (const [i, identity] of computers.entries()) {
      const client = new WindowsUpdateAgentClient(server.url, { ...identity, targetGroups: ['Pilot'] });
      await client.handshake();
      const event = i === 0 ? { eventId: 183 } : { eventId: 182, win32HResult: -2145124329 };
      assert.equal(await client.reportEvents([{ eventInstanceId: randomUUID(), updateId, revisionNumber: published.revisionNumber, ...event }]), true);
    }
    // The status projection catches up asynchronously: wait until both statuses are in the report.
    for (let i = 0; i < 200; i += 1) {
      const report = await api<{ counts: { installed: number; failed: number } }>('GET', `/api/v1/reports/updates/${updateId}`);
      if (report.counts.installed === 1 && report.counts.failed === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  it('groups tree and groups show: tables, JSON, the version for --if-match, refusals', () => {
    const tree = ok('groups', 'tree');
    assert.match(tree, /^GROUP\s+ID\s+COMPUTERS/m);
    assert.match(tree, new RegExp(`^All Computers\\s+${ALL_COMPUTERS}`, 'm'));
    assert.match(tree, new RegExp(`^  Pilot\\s+${pilotId}\\s+2`, 'm'), 'Pilot indented under All Computers, with its two computers');
    const treeJson = JSON.parse(ok('groups', 'tree', '--json')) as { tree: { id: string; children: { name: string }[] }[] };
    assert.ok(treeJson.tree[0]!.children.some((c) => c.name === 'Pilot'));

    const shown = ok('groups', 'show', pilotId);
    assert.match(shown, /^name\s+Pilot$/m);
    const version = /^version \(--if-match\)\s+(\S+)$/m.exec(shown)?.[1];
    assert.ok(version, shown);
    const renamed = cli('groups', 'rename', pilotId, 'Pilot ring', '--if-match', version);
    assert.equal(renamed.code, 0, `the version shown is accepted as If-Match: ${renamed.stderr}`);
    assert.equal((JSON.parse(ok('groups', 'show', pilotId, '--json')) as { name: string }).name, 'Pilot ring');

    const missing = cli('groups', 'show', '11111111-2222-3333-4444-555555555555');
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /GROUP\.NOT_FOUND: /);
    const invalid = cli('groups', 'show', 'not-a-guid');
    assert.equal(invalid.code, 5);
    assert.match(invalid.stderr, /REQUEST\.INVALID|INVALID/);
    assert.equal(cli('groups', 'show').code, 2);
    assert.equal(cli('groups', 'tree', 'extra').code, 2);
  });

  it('rules show and change: only the settings given change; refusals carry the API code', () => {
    const created = JSON.parse(ok('rules', 'create', '--name', 'Pilot updates', '--groups', pilotId, '--json')) as { id: string };
    const changed = JSON.parse(ok('rules', 'change', created.id, '--name', 'Pilot all', '--deadline-days', '7', '--action', 'Install', '--json')) as {
      name: string; deadlineOffsetDays: number | null; groupIds: string[]; enabled: boolean;
    };
    assert.deepEqual({ name: changed.name, days: changed.deadlineOffsetDays, groups: changed.groupIds, enabled: changed.enabled }, { name: 'Pilot all', days: 7, groups: [pilotId], enabled: true });
    assert.match(ok('rules', 'show', created.id), new RegExp(`^${created.id}\\s+Pilot all\\s+yes.*\\+7d$`, 'm'));
    assert.equal((JSON.parse(ok('rules', 'change', created.id, '--deadline-days', 'none', '--json')) as { deadlineOffsetDays: null }).deadlineOffsetDays, null);

    const tooLong = cli('rules', 'change', created.id, '--deadline-days', '0');
    assert.equal(tooLong.code, 5, 'the server judges the range');
    assert.match(tooLong.stderr, /^watershed: [A-Z_.]+: .*1 to 3650 days/m);
    assert.equal((JSON.parse(ok('rules', 'show', created.id, '--json')) as { deadlineOffsetDays: null }).deadlineOffsetDays, null, 'a refusal changes nothing');
    const nothing = cli('rules', 'change', created.id);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /needs at least one of/);
    assert.equal(cli('rules', 'change', created.id, '--deadline-days', 'soon').code, 2);
    const unknown = cli('rules', 'show', randomUUID());
    assert.equal(unknown.code, 5);
    assert.match(unknown.stderr, /NOT_FOUND/);
  });

  it('reports computers: a table with the counts, JSON, pages, and every page as one CSV file', () => {
    const table = ok('reports', 'computers');
    assert.match(table, /^COMPUTER\s+DNS NAME\s+INSTALLED\s+NEEDED\s+FAILED/m);
    assert.match(table, new RegExp(`^${computers[0]!.clientId}\\s+pc-a\\.contoso\\.test\\s+1\\s+0\\s+0`, 'm'));
    assert.match(table, new RegExp(`^${computers[1]!.clientId}\\s+pc-b\\.contoso\\.test\\s+0\\s+0\\s+1`, 'm'));
    assert.match(table, /^2 of 2 computers$/m);

    const firstPage = cli('reports', 'computers', '--limit', '1');
    assert.match(firstPage.stdout, /^1 of 2 computers; next page: --after (\S+)$/m);
    const cursor = /--after (\S+)$/m.exec(firstPage.stdout)![1]!;
    const second = JSON.parse(ok('reports', 'computers', '--limit', '1', '--after', cursor, '--json')) as { computers: { dnsName: string }[]; next: string | null };
    assert.deepEqual(second.computers.map((c) => c.dnsName), ['pc-b.contoso.test']);

    const csvFile = path.join(outDir, 'computers.csv');
    const exported = cli('reports', 'computers', '--all', '--limit', '1', '--csv', '--output', csvFile);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout, '', 'the export goes to the file');
    assert.match(exported.stderr, /wrote .*computers\.csv/);
    const lines = readFileSync(csvFile, 'utf8').trimEnd().split('\r\n');
    assert.equal(lines[0], 'computerId,dnsName,installed,needed,failed,installedPendingReboot,lastReportedAt');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[1]), ['pc-a.contoso.test', 'pc-b.contoso.test'], 'both pages, one header');

    const jsonFile = path.join(outDir, 'computers.json');
    assert.equal(cli('reports', 'computers', '--all', '--limit', '1', '--output', jsonFile).code, 0);
    assert.equal((JSON.parse(readFileSync(jsonFile, 'utf8')) as { computers: unknown[] }).computers.length, 2);

    assert.equal(cli('reports', 'computers', '--limit', 'many').code, 2);
    assert.equal(cli('reports', 'computers', '--csv', '--json').code, 2);
    const badPage = cli('reports', 'computers', '--limit', '0');
    assert.equal(badPage.code, 5);
    assert.match(badPage.stderr, /REQUEST\.INVALID|INVALID/);
  });

  it('reports computer, update and groups: tables, CSV, and the API\'s refusals', () => {
    const computer = ok('reports', 'computer', computers[1]!.clientId);
    assert.match(computer, /^DNS name\s+pc-b\.contoso\.test$/m);
    assert.match(computer, new RegExp(`^${updateId}\\s+Contoso Agent 3\\.0\\s+failed\\s+\\S+\\s+182\\s+0x80240017$`, 'm'));
    const computerCsv = ok('reports', 'computer', computers[0]!.clientId, '--csv');
    assert.match(computerCsv, new RegExp(`^${computers[0]!.clientId},pc-a\\.contoso\\.test,${updateId},Contoso Agent 3\\.0,installed,183`, 'm'));
    const unknown = cli('reports', 'computer', randomUUID());
    assert.equal(unknown.code, 5);
    assert.match(unknown.stderr, /COMPUTER\.NOT_FOUND: /);

    const update = ok('reports', 'update', updateId, '--by-group');
    assert.match(update, /^Contoso Agent 3\.0, revision \d+/m);
    assert.match(update, /^all computers\s+1\s+0\s+0\s+1\s/m);
    assert.match(update, new RegExp(`^${pilotId}\\s+1\\s+0\\s+0\\s+1\\s`, 'm'));
    const updateJson = JSON.parse(ok('reports', 'update', updateId, '--group', pilotId, '--json')) as { groupId: string; counts: { installed: number; failed: number } };
    assert.deepEqual({ group: updateJson.groupId, installed: updateJson.counts.installed, failed: updateJson.counts.failed }, { group: pilotId, installed: 1, failed: 1 });
    const badUpdate = cli('reports', 'update', 'not-a-guid');
    assert.equal(badUpdate.code, 5);
    assert.match(badUpdate.stderr, /INVALID/);

    const groups = ok('reports', 'groups');
    assert.match(groups, new RegExp(`^${pilotId}\\s+Pilot(?: ring)?\\s+2\\s+1\\s+1\\s+0\\s+50%$`, 'm'));
    const groupsFile = path.join(outDir, 'groups.csv');
    assert.equal(cli('reports', 'groups', '--csv', '--output', groupsFile).code, 0);
    assert.match(readFileSync(groupsFile, 'utf8'), new RegExp(`^${pilotId},Pilot(?: ring)?,2,1,1,0,50\r$`, 'm'));
    const unwritable = cli('reports', 'groups', '--output', path.join(outDir, 'missing-dir', 'groups.json'));
    assert.equal(unwritable.code, 1);
    assert.match(unwritable.stderr, /cannot write/);

    assert.equal(cli('reports', 'computer').code, 2);
    assert.equal(cli('reports', 'explode').code, 2);
    assert.equal(cli('reports', 'groups', 'extra').code, 2);
  });

  it('sync history exports CSV to a file', () => {
    const file = path.join(outDir, 'sync.csv');
    const run = cli('sync', 'history', '--csv', '--output', file);
    assert.equal(run.code, 0, run.stderr);
    assert.match(readFileSync(file, 'utf8'), /^runId,source,trigger,startedAt,finishedAt,result,/);
    assert.equal(cli('sync', 'history', '--result', 'exploded').code, 5);
  });

  it('exits 6 with the API\'s code when the server does not accept the token, for every one of these commands', () => {
    const ruleId = randomUUID();
    for (const args of [
      ['groups', 'tree'],
      ['groups', 'show', pilotId],
      ['rules', 'show', ruleId],
      ['rules', 'change', ruleId, '--name', 'x'],
      ['reports', 'computers'],
      ['reports', 'computers', '--all', '--csv'],
      ['reports', 'computer', computers[0]!.clientId],
      ['reports', 'update', updateId],
      ['reports', 'groups', '--csv'],
      ['sync', 'history', '--csv'],
    ]) {
      const denied = runWatershedCli(args, wrongToken());
      assert.equal(denied.code, 6, `watershed ${args.join(' ')}`);
      assert.match(denied.stderr, /^watershed: AUTH\.[A-Z_]+: /m, `watershed ${args.join(' ')}`);
      assert.equal(denied.stdout, '');
    }
  });
});
