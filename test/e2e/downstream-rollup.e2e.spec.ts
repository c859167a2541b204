import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ScenarioServer } from '../support/scenario/index.js';

const NS = 'http://www.microsoft.com/SoftwareDistribution';
/** The fixed reserved cookie every rollup call carries (MS-WSUSSS §3.1.4.13.2.1). */
const RESERVED_COOKIE = '<cookie><Expiration>9999-12-31T23:59:59.9999999</Expiration><EncryptedData /></cookie>';
const ZERO = '00000000-0000-0000-0000-000000000000';
const NEVER = '1753-01-01T00:00:00';

interface Answer {
  readonly status: number;
  readonly body: string;
}

const textOf = (xml: string, name: string): string | undefined => new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1];

/** A downstream server's rollup calls, as a Windows DSS posts them (ASMX, SOAP 1.1, quoted action). */
async function rollup(baseUrl: string, operation: string, inner: string): Promise<Answer> {
  const body = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${operation} xmlns="${NS}">${RESERVED_COOKIE}${inner}</${operation}></soap:Body></soap:Envelope>`;
  const response = await fetch(`${baseUrl}/ReportingWebService/ReportingWebService.asmx`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NS}/${operation}"` },
    body,
  });
  return { status: response.status, body: await response.text() };
}

function assertFault(answer: Answer, errorCode: string, message?: string): void {
  assert.equal(answer.status, 500, answer.body);
  assert.equal(textOf(answer.body, 'ErrorCode'), errorCode, answer.body);
  if (message !== undefined) assert.equal(textOf(answer.body, 'Message'), message);
}

const clientSummary = (n: number): string =>
  Array.from({ length: n }, () =>
    '<DownstreamServerRollupClientSummary><OSMajorVersion>10</OSMajorVersion><OSMinorVersion>0</OSMinorVersion><OSBuildNumber>26100</OSBuildNumber>' +
    '<OSServicePackMajorNumber>0</OSServicePackMajorNumber><OSServicePackMinorNumber>0</OSServicePackMinorNumber><OSLocale>en-US</OSLocale><SuiteMask>256</SuiteMask>' +
    '<OldProductType>1</OldProductType><NewProductType>48</NewProductType><SystemMetrics>0</SystemMetrics><ProcessorArchitecture>AMD64</ProcessorArchitecture>' +
    '<Count>3</Count><ActivitySummaries /></DownstreamServerRollupClientSummary>').join('');

const COUNTERS = ['UpdateCount', 'DeclinedUpdateCount', 'ApprovedUpdateCount', 'NotApprovedUpdateCount', 'UpdatesWithStaleUpdateApprovalsCount', 'ExpiredUpdateCount',
  'CriticalOrSecurityUpdatesNotApprovedForInstallCount', 'WsusInfrastructureUpdatesNotApprovedForInstallCount', 'UpdatesWithClientErrorsCount', 'UpdatesWithServerErrorsCount',
  'UpdatesNeedingFilesCount', 'UpdatesNeededByComputersCount', 'UpdatesUpToDateCount', 'CustomComputerTargetGroupCount', 'ComputerTargetCount',
  'ComputerTargetsNeedingUpdatesCount', 'ComputerTargetsWithUpdateErrorsCount', 'ComputersUpToDateCount'];

const downstreamServer = (serverId: string, parentServerId: string, summaries: number): string =>
  `<DownstreamServerRollupInfo><ServerId>${serverId}</ServerId><FullDomainName>dss.contoso.test</FullDomainName><LastSyncTime>${NEVER}</LastSyncTime>` +
  `<ParentServerId>${parentServerId}</ParentServerId><Version>10.0.26100.1</Version><IsReplica>false</IsReplica><LastRollupTime>2026-11-25T20:00:00Z</LastRollupTime>` +
  `<ServerSummary>${COUNTERS.map((c) => `<${c}>0</${c}>`).join('')}</ServerSummary><ClientSummaries>${clientSummary(summaries)}</ClientSummaries></DownstreamServerRollupInfo>`;

const computer = (parentServerId: string): string =>
  `<ComputerRollupInfo ComputerId="${randomUUID()}" LastSyncTime="2026-11-25T19:00:00Z" LastSyncResult="1" LastReportedRebootTime="${NEVER}" ` +
  `LastReportedStatusTime="${NEVER}" LastInventoryTime="${NEVER}" ParentServerId="${parentServerId}" />`;

const statusEntry = (): string =>
  `<ComputerStatusRollupInfo><InstanceId>${randomUUID()}</InstanceId><ComputerId>${randomUUID()}</ComputerId><EffectiveLastDetectionTime>${NEVER}</EffectiveLastDetectionTime>` +
  `<RollupNumber>1</RollupNumber><IsFullRollup>true</IsFullRollup><UpdateStatus><ComputerStatusRollupUpdateStatus><UpdateId>${randomUUID()}</UpdateId>` +
  '<SummarizationState>4</SummarizationState><LastChangeTime>2026-11-25T18:00:00Z</LastChangeTime></ComputerStatusRollupUpdateStatus></UpdateStatus></ComputerStatusRollupInfo>';

const clientTime = `<clientTime>${new Date().toISOString()}</clientTime>`;

/**
 * The MS-WSUSSS rollup operations on the Reporting endpoint (§3.1.4.13–17), called the way a
 * downstream server calls them. This server has no DSS authorization or Server Sync endpoint, so
 * its DSS Table is empty: the answers are the spec's processing over that, with the configured
 * rollup mode as DoDetailedRollup.
 */
describe('downstream-server rollup operations (MS-WSUSSS) over HTTP', () => {
  const server = new ScenarioServer('rollup');
  const dss = randomUUID();

  before(() => server.start());
  after(() => server.dispose());

  const setRollup = async (mode: 'detailed' | 'summary'): Promise<void> => {
    const current = await server.api.ok<Record<string, unknown>>('GET', '/api/v1/configuration');
    const { version: _v, changedAt: _c, changedBy: _b, ...settings } = current;
    await server.api.ok('PUT', '/api/v1/configuration', { ...settings, rollup: mode });
  };
  /** The gateway follows the configuration from the log a moment after the PUT. */
  const waitForDetailed = async (expected: 'true' | 'false'): Promise<string> => {
    for (let i = 0; i < 100; i += 1) {
      const answer = await rollup(server.url, 'GetRollupConfiguration', '');
      if (textOf(answer.body, 'DoDetailedRollup') === expected) return answer.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`DoDetailedRollup never became ${expected}`);
  };

  it('GetRollupConfiguration: the configured rollup mode, the server identity, Windows batch sizes', async () => {
    const answer = await rollup(server.url, 'GetRollupConfiguration', '');
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, /<GetRollupConfigurationResponse xmlns="http:\/\/www\.microsoft\.com\/SoftwareDistribution"><GetRollupConfigurationResult><DoDetailedRollup>/);
    assert.equal(textOf(answer.body, 'DoDetailedRollup'), 'false', 'the default rollup mode is summary');
    const serverId = textOf(answer.body, 'ServerId')!;
    const resetGuid = textOf(answer.body, 'RollupResetGuid')!;
    assert.match(serverId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(resetGuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(resetGuid, serverId);
    assert.deepEqual(
      ['RollupDownstreamServersMaxBatchSize', 'RollupComputersMaxBatchSize', 'GetOutOfSyncComputersMaxBatchSize', 'RollupComputerStatusMaxBatchSize'].map((n) => textOf(answer.body, n)),
      ['5000', '1500', '20000', '500'],
    );
    // The same identity on the next call (and after a restart: it is the log's first event).
    const again = await rollup(server.url, 'GetRollupConfiguration', '');
    assert.equal(textOf(again.body, 'ServerId'), serverId);
    assert.equal(textOf(again.body, 'RollupResetGuid'), resetGuid);
  });

  it('summary rollup: the detailed operations get the fault, RollupDownstreamServers still follows its own rules', async () => {
    assertFault(await rollup(server.url, 'RollupComputers', `${clientTime}<computers>${computer(dss)}</computers>`), 'InternalServerError');
    assertFault(await rollup(server.url, 'GetOutOfSyncComputers', `<parentServerId>${dss}</parentServerId><lastRollupNumbers />`), 'InternalServerError');
    assertFault(await rollup(server.url, 'RollupComputerStatus', `${clientTime}<parentServerId>${dss}</parentServerId><computers>${statusEntry()}</computers>`), 'InternalServerError');
    const empty = await rollup(server.url, 'RollupDownstreamServers', `${clientTime}<downstreamServers />`);
    assert.equal(empty.status, 200, empty.body);
    assert.match(empty.body, /<soap:Body><RollupDownstreamServersResponse xmlns="http:\/\/www\.microsoft\.com\/SoftwareDistribution" ?\/><\/soap:Body>/);
  });

  it('RollupDownstreamServers: a server whose parent is not in the (empty) DSS Table is refused, its own entry included', async () => {
    assertFault(await rollup(server.url, 'RollupDownstreamServers', `${clientTime}<downstreamServers>${downstreamServer(dss, ZERO, 1)}</downstreamServers>`), 'InternalServerError');
    assertFault(await rollup(server.url, 'RollupDownstreamServers', `${clientTime}<downstreamServers>${downstreamServer(randomUUID(), dss, 0)}</downstreamServers>`), 'InternalServerError');
    // More ClientSummaries than the announced batch size, summed over the entries: InvalidParameters naming the parameter.
    const tooMany = `${downstreamServer(dss, ZERO, 2500)}${downstreamServer(randomUUID(), dss, 2501)}`;
    assertFault(await rollup(server.url, 'RollupDownstreamServers', `${clientTime}<downstreamServers>${tooMany}</downstreamServers>`), 'InvalidParameters', 'downstreamServers');
  });

  it('detailed rollup: unknown parents get the fault, out-of-sync is empty, status of unknown computers is taken (and ignored)', async () => {
    await setRollup('detailed');
    await waitForDetailed('true');
    assertFault(await rollup(server.url, 'RollupComputers', `${clientTime}<computers>${computer(dss)}</computers>`), 'InternalServerError');
    const none = await rollup(server.url, 'RollupComputers', `${clientTime}<computers />`);
    assert.equal(none.status, 200, none.body);
    assert.doesNotMatch(none.body, /ChangedComputer/);

    const outOfSync = await rollup(server.url, 'GetOutOfSyncComputers', `<parentServerId>${dss}</parentServerId><lastRollupNumbers><ComputerLastRollupNumber><ComputerId>${randomUUID()}</ComputerId><RollupNumber>3</RollupNumber></ComputerLastRollupNumber></lastRollupNumbers>`);
    assert.equal(outOfSync.status, 200, outOfSync.body);
    assert.match(outOfSync.body, /<GetOutOfSyncComputersResponse xmlns="http:\/\/www\.microsoft\.com\/SoftwareDistribution">/);
    assert.doesNotMatch(outOfSync.body, /<string>/);

    const status = await rollup(server.url, 'RollupComputerStatus', `${clientTime}<parentServerId>${dss}</parentServerId><computers>${statusEntry()}${statusEntry()}</computers>`);
    assert.equal(status.status, 200, status.body);
    assert.equal(textOf(status.body, 'RollupComputerStatusResult'), 'true');
  });

  it('batch sizes and malformed input: InvalidParameters with the parameter, and the server keeps serving', async () => {
    const computers = Array.from({ length: 1501 }, () => computer(dss)).join('');
    assertFault(await rollup(server.url, 'RollupComputers', `${clientTime}<computers>${computers}</computers>`), 'InvalidParameters', 'computers');
    const statuses = Array.from({ length: 501 }, statusEntry).join('');
    assertFault(await rollup(server.url, 'RollupComputerStatus', `${clientTime}<parentServerId>${dss}</parentServerId><computers>${statuses}</computers>`), 'InvalidParameters', 'computers');
    assertFault(await rollup(server.url, 'RollupComputers', clientTime), 'InvalidParameters');
    assertFault(await rollup(server.url, 'RollupComputerStatus', `${clientTime}<parentServerId>not-a-guid</parentServerId><computers />`), 'InvalidParameters');
    assertFault(await rollup(server.url, 'RollupDownstreamServers', `<clientTime>yesterday</clientTime><downstreamServers />`), 'InvalidParameters');
    assertFault(await rollup(server.url, 'GetOutOfSyncComputers', '<lastRollupNumbers />'), 'InvalidParameters');
    // Nothing above changed the configuration, and the server still answers.
    assert.equal(textOf((await rollup(server.url, 'GetRollupConfiguration', '')).body, 'DoDetailedRollup'), 'true');
    await setRollup('summary');
    await waitForDetailed('false');
  });
});
