import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import {
  categoryDocumentXml,
  driverDocumentXml,
  type DriverRowSpec,
  type SimulatedDevice,
  startWatershed,
  type WatershedProcess,
  WindowsUpdateAgentClient,
} from '#test-support';

const DRIVERS_CLASSIFICATION = 'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0';
const NIC = 'PCI\\VEN_8086&DEV_1234&SUBSYS_00018086';
const PRINTER = 'contosocontoso_laser_7';
/** A computer hardware id (CHID) the targeted driver is distributed to. */
const CHID_TARGETED = '7d3f2a10-5c2b-5e3e-9a41-0c9f0e6b1a21';
const CHID_OTHER = '11111111-2222-5333-8444-555555555555';

/**
 * The driver pass end to end over HTTP against the built server: real driver update XML (WindowsDriverMetaData
 * rows) imported through the admin API, approved for All Computers, then three computers with different
 * hardware each get exactly the drivers MS-WUSP's matching rules pick for them; SyncPrinterCatalog
 * lists the approved printer driver; a device whose installed driver catches up drops it from scope.
 */
describe('driver pass: imported driver updates matched to devices', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-drivers-'));
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
  const revisions: Record<string, number> = {};

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
    const product = randomUUID();
    for (const category of [
      { updateId: product, title: 'Contoso Hardware', type: 'Product' as const },
      { updateId: DRIVERS_CLASSIFICATION, title: 'Drivers', type: 'UpdateClassification' as const },
    ]) {
      const imported = await api('POST', '/api/v1/updates/import', { xml: categoryDocumentXml(category), source: 'imported' });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
    }
    const drivers: Record<string, DriverRowSpec[]> = {
      // The generic NIC driver, newer than what either computer has installed.
      nic: [{ hardwareId: NIC, driverVerDate: '2025-05-01', driverVerVersion: '12.19.1.37', class: 'Net', provider: 'Contoso', manufacturer: 'Intel', whqlDriverId: 9001 }],
      // The same NIC driver distributed to one computer model only (rule 1 makes it win there).
      nicTargeted: [
        {
          hardwareId: NIC,
          driverVerDate: '2025-01-15',
          driverVerVersion: '12.18.0.0',
          class: 'Net',
          provider: 'Contoso',
          manufacturer: 'Intel',
          whqlDriverId: 9002,
          featureScores: [{ operatingSystem: 'amd64.10.0', featureScore: 254 }],
          distributionComputerHardwareIds: [CHID_TARGETED],
        },
      ],
      // A printer driver from Contoso: only replaces a Contoso printer driver.
      printer: [{ hardwareId: PRINTER, driverVerDate: '2025-03-01', driverVerVersion: '6.2.0.0', class: 'Printers', provider: 'Contoso', manufacturer: 'Contoso', model: 'Contoso Laser 7' }],
    };
    for (const [name, rows] of Object.entries(drivers)) {
      const updateId = randomUUID();
      const xml = driverDocumentXml({
        updateId,
        revisionNumber: 200,
        creationDate: '2026-01-01T00:00:00Z',
        title: `Contoso driver ${name}`,
        rows,
        categories: [[product], [DRIVERS_CLASSIFICATION]],
      });
      const imported = await api<{ revisionId: number }>('POST', '/api/v1/updates/import', { xml, source: 'imported' });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      revisions[name] = imported.body.revisionId;
      const approved = await api('POST', `/api/v1/updates/${updateId}/approvals`, { groupId: ALL_COMPUTERS_GROUP_ID, action: 'Install' });
      assert.equal(approved.status, 201, JSON.stringify(approved.body));
    }
    // The gateway's scan index follows the log asynchronously: wait until it has the approvals.
    const probe = new WindowsUpdateAgentClient(server.url, { clientId: randomUUID(), dnsName: 'probe.contoso.test' });
    await probe.handshake();
    for (let i = 0; i < 100 && (await probe.syncUpdatesPage()).driverSyncNotNeeded !== 'false'; i += 1) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const nicDevice = (installedVersion = '12.0.0.0', installedDate = '2023-01-01'): SimulatedDevice => ({
    hardwareIds: [NIC, 'PCI\\VEN_8086&DEV_1234'],
    compatibleIds: ['PCI\\VEN_8086&CC_020000', 'PCI\\CC_0200'],
    installedDriver: { matchingId: NIC, driverVerDate: installedDate, driverVerVersion: installedVersion, class: '{4d36e972-e325-11ce-bfc1-08002be10318}', driverRank: 0x00ff0000 },
  });
  const printerDevice = (provider: string): SimulatedDevice => ({
    hardwareIds: [PRINTER],
    installedDriver: { matchingId: PRINTER, driverVerDate: '2020-01-01', driverVerVersion: '5.0.0.0', class: 'Printer', provider, manufacturer: 'Contoso', model: 'Contoso Laser 7', driverRank: -1 },
    deviceFlags: 1,
  });

  async function scannedClient(name: string): Promise<WindowsUpdateAgentClient> {
    const client = new WindowsUpdateAgentClient(server.url, { clientId: randomUUID(), dnsName: `${name}.contoso.test` });
    await client.handshake();
    // The software pass stages the drivers' categories; the driver pass needs them installed.
    const pages = await client.syncSoftware();
    assert.equal(pages.at(-1)?.driverSyncNotNeeded, 'false', 'approved drivers are in scope: a driver pass is needed');
    return client;
  }
  const offered = (page: { newUpdates: { revisionId: number; deploymentAction: string | undefined; hardwareIds: string[] }[] }) =>
    page.newUpdates.map((u) => [u.revisionId, u.deploymentAction, u.hardwareIds]).sort((a, b) => Number(a[0]) - Number(b[0]));

  it('offers each computer the best match per device, only when better than installed and, for printers, from the same provider', async () => {
    // Computer 1: another computer model, a Fabrikam-driven printer → the generic NIC driver only.
    const first = await scannedClient('pc-1');
    const firstPass = await first.syncDrivers({ devices: [nicDevice(), printerDevice('Fabrikam')], computerHardwareIds: [CHID_OTHER] });
    assert.deepEqual(offered(firstPass), [[revisions['nic'], 'Install', [NIC]]]);

    // Computer 2: the targeted model, a Contoso printer → the CHID-targeted NIC driver and the printer driver.
    const second = await scannedClient('pc-2');
    const secondPass = await second.syncDrivers({ devices: [nicDevice(), printerDevice('Contoso')], computerHardwareIds: [CHID_TARGETED, CHID_OTHER] });
    assert.deepEqual(
      offered(secondPass),
      [
        [revisions['nicTargeted'], 'Install', [NIC]],
        [revisions['printer'], 'Install', [PRINTER]],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );

    // Computer 3: none of these devices → nothing, though drivers are in scope for it.
    const third = await scannedClient('pc-3');
    const thirdPass = await third.syncDrivers({ devices: [{ hardwareIds: ['USB\\VID_046D&PID_C52B'] }], computerHardwareIds: [CHID_OTHER] });
    assert.deepEqual([thirdPass.newUpdates, thirdPass.driverSyncNotNeeded], [[], 'false']);

    // Computer 1 installs the NIC driver: it is no longer better than what is installed → out of scope.
    const rescan = await first.syncDrivers({ devices: [nicDevice('12.19.1.37', '2025-05-01'), printerDevice('Fabrikam')], computerHardwareIds: [CHID_OTHER] });
    assert.deepEqual([rescan.newUpdates, rescan.outOfScope], [[], [revisions['nic']]]);

    // The Add Printer Wizard sees the approved printer driver, whatever is installed.
    const catalog = await first.syncPrinterCatalog();
    assert.deepEqual(offered(catalog), [[revisions['printer'], 'Install', [PRINTER]]]);
    assert.deepEqual((await first.syncPrinterCatalog([revisions['printer']!, revisions['nic']!])).outOfScope, [revisions['nic']]);
  });
});
