import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SOAP_LIMITS, parseSoapRequest, SoapOperationCatalog, writeXml } from '../soap/index.js';
import { formatXmlDateTime } from './wusp-common.codec.js';
import type { Deployment } from './wusp-common.types.js';
import { encodeWuspResponse, encodeWuspResponseBody } from './wusp-response.encoder.js';
import { CLIENT_NS, REPORTING_NS } from './wusp.namespaces.js';

const digest = new Uint8Array(20).fill(0xab);
const digestB64 = Buffer.from(digest).toString('base64');

const fullDeployment: Deployment = {
  id: 7,
  action: 'Install',
  deadline: '2026-11-01T00:00:00Z',
  isAssigned: true,
  lastChangeTime: '2026-10-04',
  downloadPriority: '2',
  hardwareIds: ['PCI\\VEN_8086'],
  autoSelect: '0',
  autoDownload: '0',
  supersedenceBehavior: '0',
  flagBitmask: '0',
  clientBehaviors: [{ metadataType: 'Update', metadata: 'm', verification: { timestamp: '2026-10-04T00:00:00Z', leafCertificateId: 3, signature: new Uint8Array([1, 2, 3]), algorithm: 'RSA' } }],
};

describe('WUSP response encoders (WSDL element order)', () => {
  it('writes every Deployment field in WSDL order, ClientBehaviors without the WSDL typo\'s leading space', () => {
    const body = writeXml(encodeWuspResponseBody({ operation: 'SyncUpdates', result: { newUpdates: [{ id: 1, deployment: fullDeployment, isLeaf: true, xml: '<a b="c"/>' }], truncated: true } }));
    assert.equal(
      body,
      `<SyncUpdatesResponse xmlns="${CLIENT_NS}"><SyncUpdatesResult><NewUpdates><UpdateInfo><ID>1</ID><Deployment><ID>7</ID><Action>Install</Action>` +
        '<Deadline>2026-11-01T00:00:00Z</Deadline><IsAssigned>true</IsAssigned><LastChangeTime>2026-10-04</LastChangeTime><DownloadPriority>2</DownloadPriority>' +
        '<HardwareIds><string>PCI\\VEN_8086</string></HardwareIds><AutoSelect>0</AutoSelect><AutoDownload>0</AutoDownload><SupersedenceBehavior>0</SupersedenceBehavior>' +
        '<FlagBitmask>0</FlagBitmask><ClientBehaviors><ClientMetadata><MetadataType>Update</MetadataType><Metadata>m</Metadata>' +
        '<Verification Timestamp="2026-10-04T00:00:00Z" LeafCertificateId="3" Signature="AQID" Algorithm="RSA"/></ClientMetadata></ClientBehaviors></Deployment>' +
        '<IsLeaf>true</IsLeaf><Xml>&lt;a b="c"/&gt;</Xml></UpdateInfo></NewUpdates><Truncated>true</Truncated></SyncUpdatesResult></SyncUpdatesResponse>',
    );
  });

  it('SyncInfo: undefined lists are omitted, empty lists written as <Name/>', () => {
    const body = writeXml(encodeWuspResponseBody({ operation: 'SyncPrinterCatalog', result: { newUpdates: [], outOfScopeRevisionIds: [3], truncated: false, deployedOutOfScopeRevisionIds: [], driverSyncNotNeeded: false } }));
    assert.equal(
      body,
      `<SyncPrinterCatalogResponse xmlns="${CLIENT_NS}"><SyncPrinterCatalogResult><NewUpdates/><OutOfScopeRevisionIDs><int>3</int></OutOfScopeRevisionIDs>` +
        '<Truncated>false</Truncated><DeployedOutOfScopeRevisionIds/><DriverSyncNotNeeded>false</DriverSyncNotNeeded></SyncPrinterCatalogResult></SyncPrinterCatalogResponse>',
    );
  });

  it('RefreshCache: RefreshCacheResult array of RefreshCacheResult items', () => {
    const body = writeXml(
      encodeWuspResponseBody({
        operation: 'RefreshCache',
        result: [{ revisionId: 5, globalId: { updateId: '0a4c6c73-8887-4d7f-9cbe-d08fa8fa9d1e', revisionNumber: 50 }, isLeaf: false, deployment: { id: 1, action: 'Evaluate', isAssigned: true, lastChangeTime: '2026-10-04' } }],
      }),
    );
    assert.equal(
      body,
      `<RefreshCacheResponse xmlns="${CLIENT_NS}"><RefreshCacheResult><RefreshCacheResult><RevisionID>5</RevisionID><GlobalID><UpdateID>0a4c6c73-8887-4d7f-9cbe-d08fa8fa9d1e</UpdateID>` +
        '<RevisionNumber>50</RevisionNumber></GlobalID><IsLeaf>false</IsLeaf><Deployment><ID>1</ID><Action>Evaluate</Action><IsAssigned>true</IsAssigned>' +
        '<LastChangeTime>2026-10-04</LastChangeTime></Deployment></RefreshCacheResult></RefreshCacheResult></RefreshCacheResponse>',
    );
  });

  it('GetFileLocations and GetExtendedUpdateInfo2 with the extended FileLocation', () => {
    const location = { fileDigest: digest, url: 'http://h:8530/Content/AB/X.cab', fileDigestAlgorithm: 'SHA1', encryptedFileDigestAlgorithm: 'SHA256' };
    assert.equal(
      writeXml(encodeWuspResponseBody({ operation: 'GetFileLocations', result: { fileLocations: [location], newCookie: { expiration: new Date('2026-10-04T16:03:35.900Z'), encryptedData: new Uint8Array([0]) } } })),
      `<GetFileLocationsResponse xmlns="${CLIENT_NS}"><GetFileLocationsResult><FileLocations><FileLocation><FileDigest>${digestB64}</FileDigest>` +
        '<Url>http://h:8530/Content/AB/X.cab</Url><FileDigestAlgorithm>SHA1</FileDigestAlgorithm><EncryptedFileDigestAlgorithm>SHA256</EncryptedFileDigestAlgorithm>' +
        '</FileLocation></FileLocations><NewCookie><Expiration>2026-10-04T16:03:35.9Z</Expiration><EncryptedData>AA==</EncryptedData></NewCookie></GetFileLocationsResult></GetFileLocationsResponse>',
    );
    assert.equal(
      writeXml(
        encodeWuspResponseBody({
          operation: 'GetExtendedUpdateInfo2',
          result: {
            updates: [{ id: 9, xml: '<ExtendedProperties/>' }],
            fileDecryptionData: [{ fileDigest: digest, decryptionKey: new Uint8Array([9]), securityData: [new Uint8Array([9])] }],
            updateEncryptionDetails: [{ updateIdentity: { updateId: '0a4c6c73-8887-4d7f-9cbe-d08fa8fa9d1e', revisionNumber: 1 }, hasEncryptedFiles: false }],
          },
        }),
      ),
      `<GetExtendedUpdateInfo2Response xmlns="${CLIENT_NS}"><GetExtendedUpdateInfo2Result><Updates><Update><ID>9</ID><Xml>&lt;ExtendedProperties/&gt;</Xml></Update></Updates>` +
        `<FileDecryptionData><FileDecryption><FileDigest>${digestB64}</FileDigest><DecryptionKey>CQ==</DecryptionKey><SecurityData><base64Binary>CQ==</base64Binary></SecurityData></FileDecryption></FileDecryptionData>` +
        '<UpdateEncryptionDetails><UpdateEncryptionDetail><UpdateIdentity><UpdateID>0a4c6c73-8887-4d7f-9cbe-d08fa8fa9d1e</UpdateID><RevisionNumber>1</RevisionNumber></UpdateIdentity>' +
        '<HasEncryptedFiles>false</HasEncryptedFiles></UpdateEncryptionDetail></UpdateEncryptionDetails></GetExtendedUpdateInfo2Result></GetExtendedUpdateInfo2Response>',
    );
  });

  it('Reporting answers in ASMX framing, matching the §4 ReportEventBatch response', () => {
    const response = encodeWuspResponse({ operation: 'ReportEventBatch', result: true }, { soapVersion: '1.1' });
    assert.equal(
      response.body,
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
        `<soap:Body><ReportEventBatchResponse xmlns="${REPORTING_NS}"><ReportEventBatchResult>true</ReportEventBatchResult></ReportEventBatchResponse></soap:Body></soap:Envelope>`,
    );
  });

  it('GetConfig writes AllowedEventIds between AuthInfo and Properties when given', () => {
    const body = writeXml(encodeWuspResponseBody({ operation: 'GetConfig', result: { lastChange: new Date('2026-10-04T13:17:07Z'), isRegistrationRequired: false, allowedEventIds: [147], properties: [] } }));
    assert.equal(
      body,
      `<GetConfigResponse xmlns="${CLIENT_NS}"><GetConfigResult><LastChange>2026-10-04T13:17:07Z</LastChange><IsRegistrationRequired>false</IsRegistrationRequired>` +
        '<AllowedEventIds><int>147</int></AllowedEventIds><Properties/></GetConfigResult></GetConfigResponse>',
    );
  });

  it('formats Dates like .NET XmlSerializer (trailing fraction zeros dropped)', () => {
    assert.equal(formatXmlDateTime(new Date('2026-10-04T13:17:07.590Z')), '2026-10-04T13:17:07.59Z');
    assert.equal(formatXmlDateTime(new Date('2026-10-04T15:03:30.000Z')), '2026-10-04T15:03:30Z');
    assert.equal(formatXmlDateTime('2026-10-04T16:03:35.9967236Z'), '2026-10-04T16:03:35.9967236Z');
  });
});

describe('envelope depth boundary', () => {
  it('accepts nesting exactly at maxDepth and refuses one more', () => {
    const catalog = new SoapOperationCatalog([{ service: 'Client', name: 'GetConfig', namespace: CLIENT_NS, action: `${CLIENT_NS}/GetConfig`, responseStyle: 'compact' }]);
    const depth = DEFAULT_SOAP_LIMITS.maxDepth;
    const nested = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    // Envelope, Body, GetConfig = 3 levels.
    const xml = (n: number) => `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetConfig xmlns="${CLIENT_NS}">${nested(n)}</GetConfig></s:Body></s:Envelope>`;
    const headers = { contentType: 'text/xml', soapAction: `${CLIENT_NS}/GetConfig` };
    assert.equal(parseSoapRequest(xml(depth - 3), headers, { operations: catalog }).operation, 'GetConfig');
    assert.throws(() => parseSoapRequest(xml(depth - 2), headers, { operations: catalog }), /too-deep|deeper/);
  });
});
