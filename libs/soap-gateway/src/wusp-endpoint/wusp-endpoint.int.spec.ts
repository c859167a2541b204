import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CodedError, DEPLOYMENT_EVENTS, LOG_START, newEvent, SERVER_CONFIGURATION_STREAM, serviceQueue, subject } from '#contracts';
import type { BusMessage, DurableMessage } from '#messaging';
import { createLogger, loadConfig, type RunningServer, serve, type ServiceRegistration } from '#platform';
import { decompressXpress } from '#wsus-codecs';
import { CookieSealer } from '../cookies/cookie-sealer.js';
import type { ClientCookieState } from '../cookies/domain/cookie-payload.js';
import { readClientCookie } from '../cookies/testing/read-client-cookie.js';
import { SoapGatewayService } from '../index.js';
import { fixture, fixtureHeaders, getRaw, postRaw, type RawResponse, shapeOf, textOf } from './testing/soap-http.client.js';

const CLIENT = '/ClientWebService/client.asmx';
const AUTH = '/SimpleAuthWebService/SimpleAuth.asmx';
const REPORTING = '/ReportingWebService/ReportingWebService.asmx';
const CLIENT_NS = 'http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService';
const REPORTING_NS = 'http://www.microsoft.com/SoftwareDistribution';
const COMPUTER_ID = 'e1da06a3-5601-43c9-bac3-52d5db701494';
const GROUP_ID = '3f2c1a9e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
const KEY = randomBytes(32);
const KNOWN_SHA1 = Buffer.from('A379D5526FB3A7A0423DA1CD7FC3182A8D448449', 'hex').toString('base64');

/** Stand-ins for the deployment and metadata services' bus queries: this suite tests the gateway alone. */
const targetingCalls: unknown[] = [];
@Controller()
class FakeDeploymentController {
  @MessagePattern(subject('deployment', 'qry', 'resolve-client-targeting'), { queue: serviceQueue('deployment') })
  resolve(@Payload() m: BusMessage<{ computerId: string; requestedGroupNames: string[] }>): { groupIds: string[] } {
    targetingCalls.push(m.payload);
    if (m.payload.requestedGroupNames.includes('Broken')) throw new CodedError('DEPLOYMENT.UNAVAILABLE', 'simulated outage');
    return { groupIds: [GROUP_ID] };
  }
}
@Controller()
class FakeMetadataController {
  @MessagePattern(subject('metadata', 'qry', 'file-locations'), { queue: serviceQueue('metadata-store') })
  locations(@Payload() m: BusMessage<{ sha1s: string[] }>): unknown[] {
    return m.payload.sha1s.map((sha1) =>
      sha1 === KNOWN_SHA1
        ? { sha1, urlPath: '/Content/49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe', exists: false }
        : { sha1, urlPath: null, exists: false },
    );
  }
}
@Module({ controllers: [FakeDeploymentController] })
class FakeDeploymentModule {}
@Module({ controllers: [FakeMetadataController] })
class FakeMetadataModule {}

const registrations: ServiceRegistration[] = [
  SoapGatewayService,
  { name: 'deployment', module: FakeDeploymentModule, eventDefinitions: [...DEPLOYMENT_EVENTS], migrations: [] },
  { name: 'metadata-store', module: FakeMetadataModule, eventDefinitions: [], migrations: [] },
];

const soap11 = (action: string) => ({ 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` });
const clientAction = (op: string) => `${CLIENT_NS}/${op}`;
const envelope = (inner: string) => `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
const cookieXml = (c: { expiration: string; encryptedData: string }) => `<cookie><Expiration>${c.expiration}</Expiration><EncryptedData>${c.encryptedData}</EncryptedData></cookie>`;

function assertFault(res: RawResponse, errorCode: string, message?: string): void {
  assert.equal(res.status, 500, res.text);
  assert.match(res.headers['content-type'] ?? '', /^text\/xml|^application\/soap\+xml/);
  assert.equal(textOf(res.text, 'ErrorCode'), errorCode, res.text);
  if (message !== undefined) assert.equal(textOf(res.text, 'Message'), message);
  assert.match(textOf(res.text, 'ID') ?? '', /^[0-9a-f-]{36}$/);
}

describe('MS-WUSP endpoints on a booted all-in-one server', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-wusp-'));
  let server: RunningServer;
  let base: string;
  let sealer: CookieSealer;
  let serverId: string;
  let lastChange: string;
  let cookie: { expiration: string; encryptedData: string };
  const registered: DurableMessage[] = [];
  const recorded: DurableMessage[] = [];

  const post = (p: string, body: string | Buffer, headers: Record<string, string>) => postRaw(base, p, body, headers);
  const getConfig = () => post(CLIENT, fixture('01-GetConfig.request.xml'), fixtureHeaders('01-GetConfig'));
  async function assertStillServing(): Promise<void> {
    const res = await getConfig();
    assert.equal(res.status, 200, res.text);
    assert.equal(textOf(res.text, 'LastChange'), lastChange);
  }
  const openCookie = (encryptedData: string): ClientCookieState => readClientCookie(sealer, encryptedData);

  async function handshake(targetGroupName?: string): Promise<{ expiration: string; encryptedData: string }> {
    const authBody = fixture('02-GetAuthorizationCookie.request.xml').replace(
      '<dnsName>',
      targetGroupName === undefined ? '<dnsName>' : `<targetGroupName>${targetGroupName}</targetGroupName><dnsName>`,
    );
    const auth = await post(AUTH, authBody, fixtureHeaders('02-GetAuthorizationCookie'));
    if (auth.status !== 200) return Promise.reject(new Error(auth.text));
    const cookieData = textOf(auth.text, 'CookieData')!;
    const res = await post(
      CLIENT,
      fixture('03-GetCookie.request.xml')
        .replace(/<CookieData>A+=*<\/CookieData>/, `<CookieData>${cookieData}</CookieData>`)
        .replace(/<lastChange>[^<]*<\/lastChange>/, `<lastChange>${lastChange}</lastChange>`),
      fixtureHeaders('03-GetCookie'),
    );
    assert.equal(res.status, 200, res.text);
    return { expiration: textOf(res.text, 'Expiration')!, encryptedData: textOf(res.text, 'EncryptedData')! };
  }

  before(async () => {
    const env = { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', WATERSHED_COOKIE_KEYS: `t1:${KEY.toString('base64')}`, WATERSHED_PUBLIC_URL: '' };
    const config = loadConfig(env, { port: '0', host: '127.0.0.1' });
    server = await serve(config, createLogger({ level: 'silent', instanceId: 'wusp-test', services: config.services }), registrations);
    base = server.url;
    sealer = new CookieSealer([{ id: 't1', key: KEY }]);
    serverId = (await server.runtime.store.readAll(LOG_START, { limit: 1 })).events[0]!.metadata.messageId;
    lastChange = textOf((await getConfig()).text, 'LastChange')!;
  });
  after(async () => {
    await server?.stop('test done');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('GetConfig answers the captured request with the captured shape and WSUS values, xpress-encoded when asked', async () => {
    const res = await getConfig();
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'xpress');
    assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'private');
    const captured = fixture('01-GetConfig.response.xml');
    assert.equal(shapeOf(res.text), shapeOf(captured));
    // Byte-equal to WS2025 apart from the two server-specific values.
    const neutral = (xml: string) => xml.replace(/<LastChange>[^<]*</, '<LastChange>X<').replace(/\\\\[^\\<]+\\UpdateServicesPackages/, 'SHARE');
    assert.equal(neutral(res.text), neutral(captured));
    assert.match(res.text, /\\\\127\.0\.0\.1\\UpdateServicesPackages/);
    assert.ok(!Number.isNaN(Date.parse(lastChange)));
  });

  it('answers plain when the client does not ask for xpress, with the same body', async () => {
    const { 'accept-encoding': _, ...headers } = fixtureHeaders('01-GetConfig');
    const plain = await post(CLIENT, fixture('01-GetConfig.request.xml'), headers);
    const compressed = await getConfig();
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.raw.toString('utf8'), Buffer.from(decompressXpress(compressed.raw)).toString('utf8'));
  });

  it('serves the endpoints case-insensitively and the WSDL Reporting address', async () => {
    const res = await post('/CLIENTWEBSERVICE/Client.ASMX', fixture('01-GetConfig.request.xml'), fixtureHeaders('01-GetConfig'));
    assert.equal(res.status, 200);
    assert.equal((await post('/ClientWebService/nope.asmx', fixture('01-GetConfig.request.xml'), fixtureHeaders('01-GetConfig'))).status, 404);
    assert.equal((await post('/clientwebservice/simpleauth.asmx', fixture('01-GetConfig.request.xml'), fixtureHeaders('01-GetConfig'))).status, 404);
    const wsdlAddress = await post('/reportingwebservice/WebService.asmx', envelope(`<ReportEventBatch2 xmlns="${REPORTING_NS}"><computerId>x</computerId><clientTime>2026-10-04T15:10:00Z</clientTime><eventBatch/></ReportEventBatch2>`), soap11(`${REPORTING_NS}/ReportEventBatch2`));
    assert.equal(wsdlAddress.status, 200, wsdlAddress.text);
    assert.equal(textOf(wsdlAddress.text, 'ReportEventBatch2Result'), 'false');
  });

  it('SOAP 1.2: a 1.2 envelope with the action in Content-Type gets a 1.2 answer', async () => {
    const body = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><GetConfig xmlns="${CLIENT_NS}"><protocolVersion>2.90</protocolVersion></GetConfig></env:Body></env:Envelope>`;
    const res = await post(CLIENT, body, { 'content-type': `application/soap+xml; charset=utf-8; action="${clientAction('GetConfig')}"` });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type'] ?? '', /^application\/soap\+xml/);
    assert.ok(res.text.startsWith('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'));
    const fault = await post(CLIENT, body.replace('<protocolVersion>2.90</protocolVersion>', ''), { 'content-type': `application/soap+xml; action="${clientAction('GetConfig')}"` });
    assertFault(fault, 'InvalidParameters', 'protocolVersion');
    assert.match(fault.text, /<s:Code><s:Value>s:Sender<\/s:Value><\/s:Code>/);
  });

  it('handshake replays the captured GetAuthorizationCookie and GetCookie with their captured shapes; cookie expires in one hour', async () => {
    const auth = await post(AUTH, fixture('02-GetAuthorizationCookie.request.xml'), fixtureHeaders('02-GetAuthorizationCookie'));
    assert.equal(auth.status, 200, auth.text);
    assert.equal(shapeOf(auth.text), shapeOf(fixture('02-GetAuthorizationCookie.response.xml')));
    assert.ok(auth.text.startsWith('<?xml version="1.0" encoding="utf-8"?><soap:Envelope'), 'SimpleAuth answers in ASMX framing');
    const before = Date.now();
    const res = await post(
      CLIENT,
      fixture('03-GetCookie.request.xml')
        .replace(/<CookieData>A+=*<\/CookieData>/, `<CookieData>${textOf(auth.text, 'CookieData')}</CookieData>`)
        .replace(/<lastChange>[^<]*<\/lastChange>/, `<lastChange>${lastChange}</lastChange>`),
      fixtureHeaders('03-GetCookie'),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(shapeOf(res.text), shapeOf(fixture('03-GetCookie.response.xml')));
    const expiration = textOf(res.text, 'Expiration')!;
    assert.match(expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const inMs = Date.parse(expiration) - before;
    assert.ok(inMs > 3590_000 && inMs <= 3601_000, `expires in ${inMs} ms`);
    cookie = { expiration, encryptedData: textOf(res.text, 'EncryptedData')! };
    const state = openCookie(cookie.encryptedData);
    assert.equal(state.computerId, COMPUTER_ID);
    assert.equal(state.protocolVersion, '2.90');
    assert.equal(state.serverId, serverId);
    assert.equal(state.groupIds, null, 'server-side targeting: membership comes from the log');
    assert.equal(state.lastSyncAnchor, null);
  });

  it('GetCookie carries lastSyncAnchor over from a valid oldCookie of the same computer', async () => {
    const withAnchor = sealer.seal('client', Buffer.from(JSON.stringify({ ...openCookie(cookie.encryptedData), lastSyncAnchor: 'A1.x', lastSyncAt: new Date().toISOString() })));
    const auth = await post(AUTH, fixture('02-GetAuthorizationCookie.request.xml'), fixtureHeaders('02-GetAuthorizationCookie'));
    const res = await post(
      CLIENT,
      fixture('03-GetCookie.request.xml')
        .replace(/<CookieData>A+=*<\/CookieData>/, `<CookieData>${textOf(auth.text, 'CookieData')}</CookieData>`)
        .replace(/<lastChange>[^<]*<\/lastChange>/, `<lastChange>${lastChange}</lastChange>`)
        .replace(/<oldCookie>.*<\/oldCookie>/, `<oldCookie><Expiration>${cookie.expiration}</Expiration><EncryptedData>${withAnchor.toString('base64')}</EncryptedData></oldCookie>`),
      fixtureHeaders('03-GetCookie'),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(openCookie(textOf(res.text, 'EncryptedData')!).lastSyncAnchor, 'A1.x');
  });

  it('RegisterComputer: InternalServerError while nothing can take the registration, then queued before it is acknowledged', async () => {
    const body = fixture('04-RegisterComputer.request.xml').replace(/<cookie>.*<\/cookie>/, cookieXml(cookie));
    assertFault(await post(CLIENT, body, fixtureHeaders('04-RegisterComputer')), 'InternalServerError');
    await assertStillServing();
    const stop = await server.runtime.durable.consume(subject('reporting', 'cmd', 'register-computer'), async (m) => void registered.push(m), { consumer: 'test-register' });
    try {
      const res = await post(CLIENT, body, fixtureHeaders('04-RegisterComputer'));
      assert.equal(res.status, 200, res.text);
      assert.equal(shapeOf(res.text), shapeOf(fixture('04-RegisterComputer.response.xml')));
      assert.equal(registered.length, 1);
      assert.deepEqual(registered[0]!.payload, {
        computerId: COMPUTER_ID,
        dnsName: 'REDACTED3',
        osMajorVersion: 10,
        osMinorVersion: 0,
        osBuildNumber: 26200,
        osServicePackMajorNumber: 0,
        osLocale: 'en-US',
        computerManufacturer: 'QEMU',
        computerModel: 'Standard PC (Q35 + ICH9, 2009)',
        clientVersion: '1507.2601.30012.0',
        clientIp: '127.0.0.1',
      });
    } finally {
      await stop();
    }
  });

  it('StartCategoryScan: a product this (empty) catalog does not hold goes to the error list (the captured echo is in wsusod-category-scan.e2e)', async () => {
    const res = await post(CLIENT, fixture('05-StartCategoryScan.request.xml'), fixtureHeaders('05-StartCategoryScan'));
    assert.equal(res.status, 200, res.text);
    assert.match(
      res.text,
      /<StartCategoryScanResponse xmlns="http:\/\/www\.microsoft\.com\/SoftwareDistribution\/Server\/ClientWebService"><preferredCategoryIds ?\/><requestedCategoryIdsInError><guid>dd78b8a1-0b20-45c1-add6-4da72e9364cf<\/guid><\/requestedCategoryIdsInError><\/StartCategoryScanResponse>/,
    );
  });

  it('replayed SyncUpdates (both passes) and GetExtendedUpdateInfo reach the scan handlers; an empty catalog answers in the captured driver-pass shape', async () => {
    for (const exchange of ['06-SyncUpdates-first', '09-SyncUpdates-driverPass']) {
      const body = fixture(`${exchange}.request.xml`).replace(/<cookie>.*?<\/cookie>/, cookieXml(cookie));
      const res = await post(CLIENT, body, fixtureHeaders('06-SyncUpdates-first'));
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['content-encoding'], 'xpress');
      // Nothing is approved or imported here: no NewUpdates, which is the shape WS2025 gave the driver pass.
      assert.equal(shapeOf(res.text), shapeOf(fixture('09-SyncUpdates-driverPass.response.xml')));
      assert.equal(textOf(res.text, 'Expiration'), cookie.expiration, 'NewCookie keeps the expiry');
    }
    const geui = await post(CLIENT, fixture('10-GetExtendedUpdateInfo.request.xml').replace(/<cookie>.*?<\/cookie>/, cookieXml(cookie)), fixtureHeaders('10-GetExtendedUpdateInfo'));
    assert.equal(geui.status, 200, geui.text);
    assert.match(geui.text, /<GetExtendedUpdateInfoResponse xmlns="http:\/\/www\.microsoft\.com\/SoftwareDistribution\/Server\/ClientWebService"><GetExtendedUpdateInfoResult>/);
  });

  it('SyncPrinterCatalog: a valid empty SyncInfo with a NewCookie that keeps the expiry', async () => {
    const res = await post(CLIENT, envelope(`<SyncPrinterCatalog xmlns="${CLIENT_NS}">${cookieXml(cookie)}<installedNonLeafUpdateIDs/><printerUpdateIDs/></SyncPrinterCatalog>`), soap11(clientAction('SyncPrinterCatalog')));
    assert.equal(res.status, 200, res.text);
    assert.equal(
      shapeOf(res.text),
      `{http://schemas.xmlsoap.org/soap/envelope/}Envelope({http://schemas.xmlsoap.org/soap/envelope/}Body({${CLIENT_NS}}SyncPrinterCatalogResponse({${CLIENT_NS}}SyncPrinterCatalogResult({${CLIENT_NS}}Truncated,{${CLIENT_NS}}NewCookie({${CLIENT_NS}}Expiration,{${CLIENT_NS}}EncryptedData)))))`,
    );
    assert.equal(textOf(res.text, 'Truncated'), 'false');
    assert.equal(textOf(res.text, 'Expiration'), cookie.expiration);
    assert.notEqual(textOf(res.text, 'EncryptedData'), cookie.encryptedData);
  });

  it('RefreshCache: cookie checked, an empty result when nothing is deployed', async () => {
    const res = await post(CLIENT, envelope(`<RefreshCache xmlns="${CLIENT_NS}">${cookieXml(cookie)}<globalIDs><UpdateIdentity><UpdateID>56309036-4c77-4dd9-951a-99ee9c246a94</UpdateID><RevisionNumber>101</RevisionNumber></UpdateIdentity></globalIDs></RefreshCache>`), soap11(clientAction('RefreshCache')));
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<RefreshCacheResponse xmlns="[^"]+"><RefreshCacheResult\/><\/RefreshCacheResponse>/);
  });

  it('GetFileLocations: URLs on the request Host for files the metadata store names, NewCookie', async () => {
    const unknown = randomBytes(20).toString('base64');
    const res = await post(CLIENT, envelope(`<GetFileLocations xmlns="${CLIENT_NS}">${cookieXml(cookie)}<fileDigests><base64Binary>${KNOWN_SHA1}</base64Binary><base64Binary>${unknown}</base64Binary></fileDigests></GetFileLocations>`), soap11(clientAction('GetFileLocations')));
    assert.equal(res.status, 200, res.text);
    const host = new URL(base).host;
    assert.match(res.text, new RegExp(`<FileLocations><FileLocation><FileDigest>${KNOWN_SHA1.replace(/[+/]/g, '\\$&')}</FileDigest><Url>http://${host.replace(/\./g, '\\.')}/Content/49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449\\.exe</Url></FileLocation></FileLocations><NewCookie>`));
    const short = await post(CLIENT, envelope(`<GetFileLocations xmlns="${CLIENT_NS}">${cookieXml(cookie)}<fileDigests><base64Binary>AAAA</base64Binary></fileDigests></GetFileLocations>`), soap11(clientAction('GetFileLocations')));
    assertFault(short, 'InvalidParameters', 'fileDigests');
    await assertStillServing();
  });

  it('ReportEventBatch: queued with the cookie computer, answered true after the queue has it; retries dedupe', async () => {
    const event = (id: string) =>
      `<ReportingEvent><BasicData><TargetID><Sid>someone-else</Sid></TargetID><SequenceNumber>0</SequenceNumber><TimeAtTarget>2026-10-04T15:09:00Z</TimeAtTarget><EventInstanceID>${id}</EventInstanceID><NamespaceID>1</NamespaceID><EventID>147</EventID><SourceID>101</SourceID><UpdateID><UpdateID>00000000-0000-0000-0000-000000000000</UpdateID><RevisionNumber>0</RevisionNumber></UpdateID><Win32HResult>0</Win32HResult><AppName>AutomaticUpdates</AppName></BasicData><ExtendedData><ReplacementStrings><string>0</string></ReplacementStrings><MiscData><string>Q=1</string></MiscData><ProcessorArchitecture>Amd64Compatible</ProcessorArchitecture><OSVersion><Major>10</Major><Minor>0</Minor><Build>26200</Build><Revision>65792</Revision><ServicePackMajor>0</ServicePackMajor><ServicePackMinor>0</ServicePackMinor></OSVersion><OSLocaleID>1033</OSLocaleID><DeviceID/></ExtendedData><PrivateData><ComputerDnsName/><UserAccountName/></PrivateData></ReportingEvent>`;
    const ids = [randomUUID().toUpperCase(), randomUUID()];
    const reportingCookie = `<cookie><Expiration>${cookie.expiration}</Expiration><EncryptedData>${cookie.encryptedData}</EncryptedData></cookie>`;
    const body = envelope(`<ReportEventBatch xmlns="${REPORTING_NS}">${reportingCookie}<clientTime>2026-10-04T15:10:00Z</clientTime><eventBatch>${ids.map(event).join('')}</eventBatch></ReportEventBatch>`);
    const stop = await server.runtime.durable.consume(subject('reporting', 'cmd', 'record-events'), async (m) => void recorded.push(m), { consumer: 'test-record' });
    try {
      const res = await post(REPORTING, body, soap11(`${REPORTING_NS}/ReportEventBatch`));
      assert.equal(res.status, 200, res.text);
      assert.ok(res.text.startsWith('<?xml version="1.0" encoding="utf-8"?><soap:Envelope'), 'Reporting answers in ASMX framing');
      assert.match(res.text, /<ReportEventBatchResponse xmlns="http:\/\/www\.microsoft\.com\/SoftwareDistribution"><ReportEventBatchResult>true<\/ReportEventBatchResult><\/ReportEventBatchResponse>/);
      assert.equal(recorded.length, 1);
      const payload = recorded[0]!.payload as { computerId: string; events: Record<string, unknown>[] };
      assert.equal(payload.computerId, COMPUTER_ID);
      assert.deepEqual(payload.events[0], {
        computerId: COMPUTER_ID,
        eventInstanceId: ids[0]!.toLowerCase(),
        eventId: 147,
        namespaceId: 1,
        timeAtTarget: '2026-10-04T15:09:00Z',
        sourceId: 101,
        updateId: null,
        revisionNumber: null,
        win32HResult: 0,
        appName: 'AutomaticUpdates',
        replacementStrings: ['0'],
        miscData: ['Q=1'],
      });
      // The same batch again (a client retry): acknowledged, stored once.
      assert.equal((await post(REPORTING, body, soap11(`${REPORTING_NS}/ReportEventBatch`))).status, 200);
      assert.equal(recorded.length, 1);
    } finally {
      await stop();
    }
    // Nobody can take the events: the client is not told they were received.
    const again = body.replace(ids[1]!, randomUUID());
    assertFault(await post(REPORTING, again, soap11(`${REPORTING_NS}/ReportEventBatch`)), 'InternalServerError');
    await assertStillServing();
  });

  it('other Reporting operations: inventory answers after a cookie check, rollup configuration is answered', async () => {
    const inv = await post(REPORTING, envelope(`<GetRequiredInventoryType xmlns="${REPORTING_NS}">${cookieXml(cookie)}<rulesId>56309036-4c77-4dd9-951a-99ee9c246a94</rulesId><rulesVersion>1</rulesVersion></GetRequiredInventoryType>`), soap11(`${REPORTING_NS}/GetRequiredInventoryType`));
    assert.equal(inv.status, 200, inv.text);
    assert.equal(textOf(inv.text, 'GetRequiredInventoryTypeResult'), '0');
    const rollup = await post(REPORTING, envelope(`<GetRollupConfiguration xmlns="${REPORTING_NS}"><cookie><Expiration>9999-12-31T23:59:59Z</Expiration><EncryptedData/></cookie></GetRollupConfiguration>`), soap11(`${REPORTING_NS}/GetRollupConfiguration`));
    assert.equal(rollup.status, 200, rollup.text);
    assert.equal(textOf(rollup.text, 'ServerId'), serverId);
    assert.equal(textOf(rollup.text, 'DoDetailedRollup'), 'false');
  });

  describe('bad input: the spec fault with HTTP 500, and the server keeps serving', () => {
    const cases: [string, () => Promise<RawResponse>, string, string?][] = [
      ['malformed XML', () => post(CLIENT, '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetConfig', soap11(clientAction('GetConfig'))), 'InvalidParameters'],
      ['missing SOAPAction', () => post(CLIENT, fixture('01-GetConfig.request.xml'), { 'content-type': 'text/xml; charset=utf-8' }), 'InvalidParameters', 'SOAPAction'],
      ['unquoted SOAPAction is fine, a wrong one is not', () => post(CLIENT, fixture('01-GetConfig.request.xml'), soap11(clientAction('GetCookie'))), 'InvalidParameters', 'SOAPAction'],
      ['unknown operation', () => post(CLIENT, envelope(`<Explode xmlns="${CLIENT_NS}"/>`), soap11(clientAction('Explode'))), 'InvalidParameters', 'SOAPAction'],
      ['operation of another endpoint', () => post(REPORTING, fixture('01-GetConfig.request.xml'), soap11(clientAction('GetConfig'))), 'InvalidParameters', 'SOAPAction'],
      ['unsupported Content-Type', () => post(CLIENT, fixture('01-GetConfig.request.xml'), { 'content-type': 'application/json', soapaction: clientAction('GetConfig') }), 'InvalidParameters'],
      ['body over 8 MiB', () => post(CLIENT, Buffer.alloc(8 * 1024 * 1024 + 1024, 0x20), soap11(clientAction('GetConfig'))), 'InvalidParameters', 'request'],
      ['body over the transport limit', () => post(CLIENT, Buffer.alloc(9 * 1024 * 1024, 0x20), soap11(clientAction('GetConfig'))), 'InvalidParameters', 'request'],
      ['DTD with an external entity', () => post(CLIENT, `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope(`<GetConfig xmlns="${CLIENT_NS}"><protocolVersion>&x;</protocolVersion></GetConfig>`)}`, soap11(clientAction('GetConfig'))), 'InvalidParameters'],
      ['nesting too deep', () => post(CLIENT, envelope(`<GetConfig xmlns="${CLIENT_NS}">${'<a>'.repeat(100)}${'</a>'.repeat(100)}</GetConfig>`), soap11(clientAction('GetConfig'))), 'InvalidParameters'],
      ['invalid GUID', () => post(CLIENT, fixture('05-StartCategoryScan.request.xml').replace('dd78b8a1-0b20-45c1-add6-4da72e9364cf', 'not-a-guid'), fixtureHeaders('05-StartCategoryScan')), 'InvalidParameters', 'requestedCategories.CategoryId'],
      ['forged cookie', () => post(CLIENT, envelope(`<SyncPrinterCatalog xmlns="${CLIENT_NS}">${cookieXml({ expiration: '2099-01-01T00:00:00Z', encryptedData: randomBytes(200).toString('base64') })}</SyncPrinterCatalog>`), soap11(clientAction('SyncPrinterCatalog'))), 'InvalidCookie'],
      ['the captured, redacted cookie', () => post(CLIENT, fixture('04-RegisterComputer.request.xml'), fixtureHeaders('04-RegisterComputer')), 'InvalidCookie'],
      ['forged authorization cookie', () => post(CLIENT, fixture('03-GetCookie.request.xml'), fixtureHeaders('03-GetCookie')), 'InvalidAuthorizationCookie', 'authCookies'],
    ];
    for (const [name, send, errorCode, message] of cases) {
      it(name, async () => {
        assertFault(await send(), errorCode, message);
        await assertStillServing();
      });
    }

    it('GetCookie with a forged oldCookie → InvalidCookie', async () => {
      const auth = await post(AUTH, fixture('02-GetAuthorizationCookie.request.xml'), fixtureHeaders('02-GetAuthorizationCookie'));
      const res = await post(
        CLIENT,
        fixture('03-GetCookie.request.xml')
          .replace(/<CookieData>A+=*<\/CookieData>/, `<CookieData>${textOf(auth.text, 'CookieData')}</CookieData>`)
          .replace(/<lastChange>[^<]*<\/lastChange>/, `<lastChange>${lastChange}</lastChange>`)
          .replace(/<oldCookie>.*<\/oldCookie>/, `<oldCookie><Expiration>${cookie.expiration}</Expiration><EncryptedData>${randomBytes(120).toString('base64')}</EncryptedData></oldCookie>`),
        fixtureHeaders('03-GetCookie'),
      );
      assertFault(res, 'InvalidCookie');
      await assertStillServing();
    });

    it('unquoted SOAPAction is accepted', async () => {
      const res = await post(CLIENT, fixture('01-GetConfig.request.xml'), { 'content-type': 'text/xml', soapaction: clientAction('GetConfig') });
      assert.equal(res.status, 200);
    });

    it('expired cookie → CookieExpired; the client renews it with GetAuthorizationCookie + GetCookie', async () => {
      const state = openCookie(cookie.encryptedData);
      const expired = sealer.seal('client', Buffer.from(JSON.stringify({ ...state, expiresAt: new Date(Date.now() - 1000).toISOString() }))).toString('base64');
      const call = (c: { expiration: string; encryptedData: string }) => post(CLIENT, envelope(`<SyncPrinterCatalog xmlns="${CLIENT_NS}">${cookieXml(c)}</SyncPrinterCatalog>`), soap11(clientAction('SyncPrinterCatalog')));
      assertFault(await call({ expiration: cookie.expiration, encryptedData: expired }), 'CookieExpired');
      const renewed = await handshake();
      assert.equal((await call(renewed)).status, 200);
    });

    it('cookie of another installation → ServerChanged', async () => {
      const other = sealer.seal('client', Buffer.from(JSON.stringify({ ...openCookie(cookie.encryptedData), serverId: randomUUID() }))).toString('base64');
      const res = await post(CLIENT, envelope(`<RefreshCache xmlns="${CLIENT_NS}">${cookieXml({ expiration: cookie.expiration, encryptedData: other })}<globalIDs/></RefreshCache>`), soap11(clientAction('RefreshCache')));
      assertFault(res, 'ServerChanged');
      await assertStillServing();
    });

    it('self-update: not found, for GET and HEAD, in any letter case', async () => {
      assert.equal((await getRaw(base, '/selfupdate/wuident.cab')).status, 404);
      assert.equal((await getRaw(base, '/SelfUpdate/wuident.cab', 'HEAD')).status, 404);
      await assertStillServing();
    });
  });

  describe('client-side targeting and configuration changes', () => {
    before(async () => {
      const ctx = { correlationId: randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(), newId: randomUUID };
      await server.runtime.store.append(SERVER_CONFIGURATION_STREAM, [newEvent(ctx, 'TargetingModeChanged', 1, { mode: 'client-side' })], 'any');
      // The gateway follows the log; wait until GetConfig reports the new generation.
      const old = lastChange;
      for (let i = 0; i < 100 && lastChange === old; i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        lastChange = textOf((await getConfig()).text, 'LastChange')!;
      }
      assert.notEqual(lastChange, old, 'LastChange moved with the configuration');
    });

    it('a cookie from before the change → ConfigChanged on SyncPrinterCatalog; GetCookie with the old lastChange → ConfigChanged', async () => {
      const res = await post(CLIENT, envelope(`<SyncPrinterCatalog xmlns="${CLIENT_NS}">${cookieXml(cookie)}</SyncPrinterCatalog>`), soap11(clientAction('SyncPrinterCatalog')));
      assertFault(res, 'ConfigChanged');
      const auth = await post(AUTH, fixture('02-GetAuthorizationCookie.request.xml'), fixtureHeaders('02-GetAuthorizationCookie'));
      const stale = await post(CLIENT, fixture('03-GetCookie.request.xml').replace(/<CookieData>A+=*<\/CookieData>/, `<CookieData>${textOf(auth.text, 'CookieData')}</CookieData>`), fixtureHeaders('03-GetCookie'));
      assertFault(stale, 'ConfigChanged');
    });

    it('GetAuthorizationCookie resolves the requested groups through the deployment service into the cookie', async () => {
      targetingCalls.length = 0;
      cookie = await handshake('Pilot; Ring 1');
      assert.deepEqual(targetingCalls, [{ computerId: COMPUTER_ID, requestedGroupNames: ['Pilot', 'Ring 1'] }]);
      const state = openCookie(cookie.encryptedData);
      assert.deepEqual(state.groupIds, [GROUP_ID]);
      assert.deepEqual(state.requestedGroupNames, ['Pilot', 'Ring 1']);
    });

    it('when the deployment service fails, InternalServerError — never a cookie with the wrong groups', async () => {
      const body = fixture('02-GetAuthorizationCookie.request.xml').replace('<dnsName>', '<targetGroupName>Broken</targetGroupName><dnsName>');
      assertFault(await post(AUTH, body, fixtureHeaders('02-GetAuthorizationCookie')), 'InternalServerError');
      await assertStillServing();
    });
  });
});
