import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOAP_CONTENT_TYPE, type SoapHttpHeaders } from '../soap/index.js';
import { decodeWuspRequest, type WuspRequest } from './wusp-request.decoder.js';
import { encodeWuspResponse, type WuspResponse } from './wusp-response.encoder.js';
import { parseWuspRequest } from './wusp-operation.catalog.js';
import { CLIENT_NS } from './wusp.namespaces.js';
import type { Deployment } from './wusp-common.types.js';
import { fixtureBytes, fixtureRequestHeaders, fixtureResponseContentType, fixtureText, normalizedTree, textOf } from './testing/native-scan.fixture.js';

/** 07-09 were captured without header files; the client sent the same headers as for 06. */
const SYNC_UPDATES_HEADERS: SoapHttpHeaders = { contentType: 'text/xml; charset=utf-8', soapAction: `"${CLIENT_NS}/SyncUpdates"` };

const EXCHANGES = [
  '01-GetConfig',
  '02-GetAuthorizationCookie',
  '03-GetCookie',
  '04-RegisterComputer',
  '05-StartCategoryScan',
  '06-SyncUpdates-first',
  '07-SyncUpdates-installedNonLeaf1',
  '08-SyncUpdates-installedNonLeaf2',
  '09-SyncUpdates-driverPass',
  '10-GetExtendedUpdateInfo',
] as const;
type Exchange = (typeof EXCHANGES)[number];

function decodeFixture(exchange: Exchange): WuspRequest {
  const headers = fixtureRequestHeaders(exchange) ?? SYNC_UPDATES_HEADERS;
  const parsed = parseWuspRequest(fixtureBytes(`${exchange}.request.xml`), headers);
  return decodeWuspRequest(parsed);
}

function bytesOfBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** The cookie every response 03-09 carries (sanitised to an `A` run upstream). */
function fixtureCookie(exchange: Exchange, element: string) {
  const xml = fixtureText(`${exchange}.response.xml`);
  return { expiration: textOf(xml, 'Expiration'), encryptedData: bytesOfBase64(textOf(xml, element)) };
}

function evaluateDeployment(id: number): Deployment {
  return { id, action: 'Evaluate', isAssigned: true, lastChangeTime: '2026-10-04', autoSelect: '0', autoDownload: '0', supersedenceBehavior: '0' };
}

/** Response objects as a server would build them, carrying the values WSUS sent in each capture. */
function responseFor(exchange: Exchange): WuspResponse {
  const xml = fixtureText(`${exchange}.response.xml`);
  switch (exchange) {
    case '01-GetConfig':
      return {
        operation: 'GetConfig',
        result: {
          lastChange: '2026-10-04T13:17:07.59Z',
          isRegistrationRequired: true,
          authInfo: [{ plugInId: 'SimpleTargeting', serviceUrl: 'SimpleAuthWebService/SimpleAuth.asmx', parameter: '' }],
          properties: [
            { name: 'MaxExtendedUpdatesPerRequest', value: '50' },
            { name: 'PackageServerShare', value: '\\\\REDACTED2\\UpdateServicesPackages' },
            { name: 'ProtocolVersion', value: '3.2' },
            { name: 'IsInventoryRequired', value: '0' },
            { name: 'ClientReportingLevel', value: '2' },
          ],
        },
      };
    case '02-GetAuthorizationCookie':
      return { operation: 'GetAuthorizationCookie', result: { plugInId: 'SimpleTargeting', cookieData: bytesOfBase64(textOf(xml, 'CookieData')) } };
    case '03-GetCookie':
      return { operation: 'GetCookie', result: fixtureCookie(exchange, 'EncryptedData') };
    case '04-RegisterComputer':
      return { operation: 'RegisterComputer', result: {} };
    case '05-StartCategoryScan':
      return { operation: 'StartCategoryScan', result: { preferredCategoryIds: ['dd78b8a1-0b20-45c1-add6-4da72e9364cf'] } };
    case '06-SyncUpdates-first':
    case '07-SyncUpdates-installedNonLeaf1':
    case '08-SyncUpdates-installedNonLeaf2': {
      const ids = { '06-SyncUpdates-first': [108226, 8059], '07-SyncUpdates-installedNonLeaf1': [108231, 8069], '08-SyncUpdates-installedNonLeaf2': [72571, 4650] } as const;
      const [revisionId, deploymentId] = ids[exchange];
      return {
        operation: 'SyncUpdates',
        result: {
          newUpdates: [{ id: revisionId, deployment: evaluateDeployment(deploymentId), isLeaf: exchange.startsWith('08'), xml: textOf(xml, 'Xml') }],
          truncated: false,
          newCookie: fixtureCookie(exchange, 'EncryptedData'),
          driverSyncNotNeeded: true,
        },
      };
    }
    case '09-SyncUpdates-driverPass':
      return { operation: 'SyncUpdates', result: { truncated: false, newCookie: fixtureCookie(exchange, 'EncryptedData'), driverSyncNotNeeded: true } };
    case '10-GetExtendedUpdateInfo':
      return {
        operation: 'GetExtendedUpdateInfo',
        result: { updates: [72571, 108226, 108231, 72571, 108226, 108231].map((id, i) => ({ id, xml: textOf(xml, 'Xml', i) })) },
      };
  }
}

describe('native Windows 11 scan capture (fixtures/wusp-native-scan)', () => {
  describe('every captured request decodes', () => {
    for (const exchange of EXCHANGES) {
      it(exchange, () => {
        const decoded = decodeFixture(exchange);
        assert.equal(decoded.operation, exchange.replace(/^\d+-/, '').replace(/-.*$/, ''));
      });
    }

    it('01 GetConfig: protocolVersion 2.90', () => {
      const d = decodeFixture('01-GetConfig');
      assert.deepEqual(d, { operation: 'GetConfig', request: { protocolVersion: '2.90' } });
    });

    it('02 GetAuthorizationCookie: clientId and dnsName, no targetGroupName', () => {
      const d = decodeFixture('02-GetAuthorizationCookie');
      assert.deepEqual(d, { operation: 'GetAuthorizationCookie', request: { clientId: 'e1da06a3-5601-43c9-bac3-52d5db701494', dnsName: 'REDACTED3' } });
    });

    it('03 GetCookie: one auth cookie, an oldCookie with Expiration only', () => {
      const d = decodeFixture('03-GetCookie');
      assert.equal(d.operation, 'GetCookie');
      if (d.operation !== 'GetCookie') return;
      assert.equal(d.request.authCookie.plugInId, 'SimpleTargeting');
      assert.equal(d.request.authCookie.cookieData.byteLength, 496);
      assert.deepEqual(d.request.oldCookie, { expiration: '2026-10-04T15:03:36Z' });
      assert.equal(d.request.lastChange, '2026-10-04T13:17:07.59Z');
      assert.equal(d.request.currentTime, '2026-10-04T15:03:36Z');
      assert.equal(d.request.protocolVersion, '2.90');
    });

    it('04 RegisterComputer: full ComputerInfo', () => {
      const d = decodeFixture('04-RegisterComputer');
      if (d.operation !== 'RegisterComputer') assert.fail(d.operation);
      assert.equal(d.request.cookie.expiration, '2026-10-04T16:03:35.9967236Z');
      assert.deepEqual(d.request.computerInfo, {
        dnsName: 'REDACTED3',
        osMajorVersion: 10,
        osMinorVersion: 0,
        osBuildNumber: 26200,
        osServicePackMajorNumber: 0,
        osServicePackMinorNumber: 0,
        osLocale: 'en-US',
        computerManufacturer: 'QEMU',
        computerModel: 'Standard PC (Q35 + ICH9, 2009)',
        biosVersion: 'unknown',
        biosName: 'unknown',
        biosReleaseDate: '2022-02-02T00:00:00Z',
        processorArchitecture: 'AMD64',
        suiteMask: 256,
        oldProductType: 1,
        newProductType: 48,
        systemMetrics: 0,
        clientVersionMajorNumber: 1507,
        clientVersionMinorNumber: 2601,
        clientVersionBuildNumber: 30012,
        clientVersionQfeNumber: 0,
        osDescription: 'Windows 10 Pro',
        oem: 'QEMU',
        deviceType: 'Standard PC (Q35 + ICH9, 2009)',
        firmwareVersion: 'unknown',
        mobileOperator: 'Not Present',
      });
    });

    it('05 StartCategoryScan: one requested category, no cookie', () => {
      assert.deepEqual(decodeFixture('05-StartCategoryScan'), {
        operation: 'StartCategoryScan',
        request: { requestedCategories: [{ indexOfAndGroup: 0, categoryId: 'dd78b8a1-0b20-45c1-add6-4da72e9364cf' }] },
      });
    });

    it('06 SyncUpdates (first): arrays omitted stay undefined; native extras are read', () => {
      const d = decodeFixture('06-SyncUpdates-first');
      if (d.operation !== 'SyncUpdates') assert.fail(d.operation);
      const p = d.request.parameters;
      assert.equal(p.installedNonLeafUpdateIds, undefined);
      assert.equal(p.otherCachedUpdateIds, undefined);
      assert.equal(p.systemSpec, undefined);
      assert.equal(p.skipSoftwareSync, false);
      assert.deepEqual(p.filterCategoryIds, ['dd78b8a1-0b20-45c1-add6-4da72e9364cf']);
      assert.equal(p.needTwoGroupOutOfScopeUpdates, true);
      assert.equal(p.alsoPerformRegularSync, false);
      assert.deepEqual(p.computerSpec, {});
      assert.equal(p.productsParameters?.syncCurrentVersionOnly, false);
      assert.match(p.productsParameters?.deviceAttributes ?? '', /UpdateServiceUrl=http:\/\/192\.0\.2\.1:8530;/);
      assert.equal(p.productsParameters?.callerAttributes, 'Interactive=0;SheddingAware=1;Id=OOBE ZDP;AADDeviceTokenState=WU:0x00248002;');
    });

    it('07/08 SyncUpdates: InstalledNonLeafUpdateIDs grow by one level per round', () => {
      const ids = (e: Exchange) => {
        const d = decodeFixture(e);
        return d.operation === 'SyncUpdates' ? d.request.parameters.installedNonLeafUpdateIds : undefined;
      };
      assert.deepEqual(ids('07-SyncUpdates-installedNonLeaf1'), [108226]);
      assert.deepEqual(ids('08-SyncUpdates-installedNonLeaf2'), [108226, 108231]);
    });

    it('09 SyncUpdates (driver pass): 70 devices, nil MatchingComputerHWID, Windows-spelled extensionDrivers', () => {
      const d = decodeFixture('09-SyncUpdates-driverPass');
      if (d.operation !== 'SyncUpdates') assert.fail(d.operation);
      const p = d.request.parameters;
      assert.equal(p.skipSoftwareSync, true);
      assert.equal(p.systemSpec?.length, 70);
      assert.equal(p.computerSpec?.hardwareIds?.length, 6);
      assert.equal(p.featureScoreMatchingKey, 'AMD64.10.0');
      const printer = p.systemSpec?.[0];
      assert.deepEqual(printer?.hardwareIds, ['{6d170653-5280-44c2-ba44-2c04bc9d46da}']);
      assert.equal(printer?.installedDriver?.driverVerVersion, 2814751477604196n);
      assert.equal(printer?.installedDriver?.class, 'Printer');
      assert.equal(printer?.installedDriver?.matchingComputerHwid, undefined);
      assert.equal(printer?.installedDriver?.driverRank, -1);
      assert.equal(printer?.deviceFlags, 1);
      const withExtension = p.systemSpec?.find((dev) => dev.extensionDrivers !== undefined);
      assert.equal(withExtension?.extensionDrivers?.[0]?.extensionId, '{96BEDF2C-18CB-4A15-B821-5E95ED0FEA61}');
      assert.equal(withExtension?.extensionDrivers?.[0]?.driverRank, 16719872);
      // What driver matching reads: ids in rank order, the installed driver's MatchingID and rank.
      const parallel = p.systemSpec?.find((dev) => dev.hardwareIds?.[0] === 'ACPI\\VEN_PNP&DEV_0400');
      assert.deepEqual(parallel?.hardwareIds, ['ACPI\\VEN_PNP&DEV_0400', 'ACPI\\PNP0400', '*PNP0400']);
      assert.equal(parallel?.installedDriver?.matchingId, '*PNP0400');
      assert.equal(parallel?.installedDriver?.driverRank, 0x00ff0002);
      assert.equal(parallel?.installedDriver?.driverVerDate, '2006-06-21T00:00:00Z');
      assert.ok(p.systemSpec?.some((dev) => dev.compatibleIds?.includes('SWD\\GenericRaw')));
      assert.equal(p.computerSpec?.hardwareIds?.[0], '458ab48b-acb9-5863-b5a8-d2c32f0d3e6f');
    });

    it('10 GetExtendedUpdateInfo: ids, fragment types, locales, and the non-WSDL deviceAttributes', () => {
      const d = decodeFixture('10-GetExtendedUpdateInfo');
      if (d.operation !== 'GetExtendedUpdateInfo') assert.fail(d.operation);
      assert.deepEqual(d.request.revisionIds, [72571, 108226, 108231]);
      assert.deepEqual(d.request.infoTypes, ['Extended', 'LocalizedProperties']);
      assert.deepEqual(d.request.locales, ['en-US', 'en']);
      assert.equal(d.request.geoId, 'USA');
      assert.match(d.request.deviceAttributes ?? '', /^ActivationChannel=Retail;/);
    });
  });

  describe('re-encoded responses match the WSUS bytes', () => {
    for (const exchange of EXCHANGES) {
      it(`${exchange}: same normalized tree and identical bytes`, () => {
        const expected = fixtureText(`${exchange}.response.xml`);
        const encoded = encodeWuspResponse(responseFor(exchange), { soapVersion: '1.1' });
        assert.equal(encoded.status, 200);
        assert.deepEqual(normalizedTree(encoded.body), normalizedTree(expected));
        // Byte equality holds for every capture: prefixes, xmlns placement, declaration, escaping and
        // self-closing all follow WSUS (client.asmx "compact" framing, SimpleAuth "asmx" framing).
        assert.equal(encoded.body, expected);
        const contentType = fixtureResponseContentType(exchange);
        if (contentType !== undefined) assert.equal(encoded.contentType, contentType);
        assert.equal(encoded.contentType, SOAP_CONTENT_TYPE['1.1']);
      });
    }
  });
});
