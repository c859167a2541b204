import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { compressXpress, decodeWuspRequest, parseWuspRequest } from '#wsus-codecs';
import { fixturePath } from '../shared-dir.js';
import { WindowsUpdateAgentClient, WuspFaultError } from './wua-client.js';

/**
 * The test client against a stand-in server that answers with the real WS2025 responses captured
 * from a Windows 11 client: the client must read real responses, and every request it writes must
 * decode with the server's own codec (so tests built on it exercise what a real client sends).
 */
const FIXTURE_RESPONSE: Record<string, string> = {
  GetConfig: '01-GetConfig',
  GetAuthorizationCookie: '02-GetAuthorizationCookie',
  GetCookie: '03-GetCookie',
  RegisterComputer: '04-RegisterComputer',
  SyncUpdates: '06-SyncUpdates-first',
  GetExtendedUpdateInfo: '10-GetExtendedUpdateInfo',
};

/** No capture exists for these; answer the WSDL's minimal shape. */
const SYNTHETIC_RESPONSE: Record<string, string> = {
  ReportEventBatch:
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ReportEventBatchResponse xmlns="http://www.microsoft.com/SoftwareDistribution"><ReportEventBatchResult>true</ReportEventBatchResult></ReportEventBatchResponse></soap:Body></soap:Envelope>',
  GetFileLocations:
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetFileLocationsResponse xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"><GetFileLocationsResult><FileLocations><FileLocation><FileDigest>qg==</FileDigest><Url>http://x/Content/AA/AA.cab</Url></FileLocation></FileLocations><NewCookie><Expiration>2026-10-04T16:03:35Z</Expiration><EncryptedData>AQ==</EncryptedData></NewCookie></GetFileLocationsResult></GetFileLocationsResponse></s:Body></s:Envelope>',
};

describe('the WUA test client against captured WS2025 responses', () => {
  let server: http.Server;
  let baseUrl: string;
  const decodedOperations: string[] = [];
  let faultNext = false;

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        let decoded;
        try {
          decoded = decodeWuspRequest(parseWuspRequest(body, { contentType: req.headers['content-type'], soapAction: req.headers.soapaction as string }));
        } catch (error) {
          decodedOperations.push(`refused: ${(error as Error).message}`);
          res.writeHead(500, { 'content-type': 'text/xml' }).end(faultXml('InvalidParameters'));
          return;
        }
        decodedOperations.push(decoded.operation);
        if (faultNext) {
          faultNext = false;
          res.writeHead(500, { 'content-type': 'text/xml' });
          res.end(faultXml('CookieExpired'));
          return;
        }
        const name = FIXTURE_RESPONSE[decoded.operation];
        const synthetic = SYNTHETIC_RESPONSE[decoded.operation];
        if (!name && !synthetic) {
          res.writeHead(404).end();
          return;
        }
        const xml = name ? readFileSync(fixturePath('wusp-native-scan', `${name}.response.xml`)) : Buffer.from(synthetic!);
        const xpress = String(req.headers['accept-encoding'] ?? '').includes('xpress');
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', ...(xpress ? { 'content-encoding': 'xpress' } : {}) });
        res.end(xpress ? compressXpress(xml) : xml);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('walks the handshake and a staged scan; its requests decode with the server codec', async () => {
    const client = new WindowsUpdateAgentClient(baseUrl, { clientId: 'e1da06a3-5601-43c9-bac3-52d5db701494', dnsName: 'test-pc', targetGroups: ['Pilot'] });
    await client.handshake();
    assert.ok(client.currentCookie?.encryptedData.length);
    const page = await client.syncUpdatesPage();
    assert.equal(page.newUpdates.length, 1);
    assert.deepEqual(
      { id: page.newUpdates[0]!.revisionId, leaf: page.newUpdates[0]!.isLeaf, action: page.newUpdates[0]!.deploymentAction, type: page.newUpdates[0]!.updateType, update: page.newUpdates[0]!.updateId },
      { id: 108226, leaf: false, action: 'Evaluate', type: 'Category', update: '56309036-4c77-4dd9-951a-99ee9c246a94' },
    );
    assert.equal(page.driverSyncNotNeeded, 'true');
    assert.deepEqual(decodedOperations, ['GetConfig', 'GetAuthorizationCookie', 'GetCookie', 'RegisterComputer', 'SyncUpdates']);
  });

  it('writes GetExtendedUpdateInfo, GetFileLocations and ReportEventBatch requests the server codec accepts', async () => {
    const client = new WindowsUpdateAgentClient(baseUrl, { clientId: 'e1da06a3-5601-43c9-bac3-52d5db701494', dnsName: 'test-pc' });
    await client.handshake();
    decodedOperations.length = 0;
    const extended = await client.getExtendedUpdateInfo([108226], ['Extended', 'LocalizedProperties']);
    assert.ok(extended.children.length > 0);
    const sha1 = Buffer.alloc(20, 0xaa).toString('base64');
    assert.deepEqual(await client.getFileLocations([sha1]), [{ fileDigest: 'qg==', url: 'http://x/Content/AA/AA.cab' }]);
    assert.equal(await client.reportEvents([{ eventInstanceId: 'e6d82915-627f-418b-a5cc-b9fcd400455b', eventId: 183, updateId: 'd67661eb-2423-451d-bf5d-13199e37df28', revisionNumber: 100 }]), true);
    assert.deepEqual(decodedOperations, ['GetExtendedUpdateInfo', 'GetFileLocations', 'ReportEventBatch']);
  });

  it('reports a SOAP fault with its ErrorCode', async () => {
    const client = new WindowsUpdateAgentClient(baseUrl, { clientId: 'e1da06a3-5601-43c9-bac3-52d5db701494', dnsName: 'test-pc' }, { acceptXpress: false });
    await client.handshake();
    faultNext = true;
    await assert.rejects(client.syncUpdatesPage(), (error: unknown) => error instanceof WuspFaultError && error.errorCode === 'CookieExpired');
  });
});

function faultXml(errorCode: string): string {
  return (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode>' +
    `<faultstring>Fault occurred</faultstring><detail><ErrorCode>${errorCode}</ErrorCode><Message/><ID>00000000-0000-0000-0000-000000000000</ID><Method>x</Method></detail></s:Fault></s:Body></s:Envelope>`
  );
}
