import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ParsedSoapRequest, parseSoapRequest, SoapOperationCatalog, SoapRequestError, type SoapRequestErrorKind, WuspErrorCode } from '../soap/index.js';
import { decodeWuspRequest, type WuspRequest } from './wusp-request.decoder.js';
import { encodeWuspResponse } from './wusp-response.encoder.js';
import { parseWuspRequest, WUSP_OPERATIONS } from './wusp-operation.catalog.js';
import { CLIENT_NS, REPORTING_NS, SIMPLE_AUTH_NS } from './wusp.namespaces.js';
import type { WuspDecodeOptions } from './wusp-value.reader.js';
import { fixtureText } from './testing/native-scan.fixture.js';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const COOKIE = '<cookie><Expiration>2026-10-04T16:03:35.9967236Z</Expiration><EncryptedData>AAAA</EncryptedData></cookie>';

function call(ns: string, operation: string, inner: string, options: Partial<WuspDecodeOptions> = {}): WuspRequest {
  const xml = `<s:Envelope xmlns:s="${S11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body><${operation} xmlns="${ns}">${inner}</${operation}></s:Body></s:Envelope>`;
  return decodeWuspRequest(parseWuspRequest(xml, { contentType: 'text/xml; charset=utf-8', soapAction: `"${ns}/${operation}"` }), options);
}

const client = (operation: string, inner: string, options?: Partial<WuspDecodeOptions>) => call(CLIENT_NS, operation, inner, options);

function refused(fn: () => unknown, errorCode: WuspErrorCode, message: string, kind?: SoapRequestErrorKind): SoapRequestError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SoapRequestError, String(error));
    assert.equal(error.fault.errorCode, errorCode, error.message);
    assert.equal(error.fault.message, message, error.message);
    if (kind) assert.equal(error.kind, kind);
    return error;
  }
  assert.fail('expected a fault');
}

const syncParameters = (extra: string, skip = 'false') => `${COOKIE}<parameters><ExpressQuery>false</ExpressQuery>${extra}<SkipSoftwareSync>${skip}</SkipSoftwareSync></parameters>`;
const ints = (n: number) => Array.from({ length: n }, (_, i) => `<int>${i + 1}</int>`).join('');

describe('decodeWuspRequest refusals', () => {
  it('caps InstalledNonLeafUpdateIDs at 400 like WS2025: 401 → InvalidParameters parameters.InstalledNonLeafUpdateIDs', () => {
    const ok = client('SyncUpdates', syncParameters(`<InstalledNonLeafUpdateIDs>${ints(400)}</InstalledNonLeafUpdateIDs>`));
    assert.equal(ok.operation === 'SyncUpdates' && ok.request.parameters.installedNonLeafUpdateIds?.length, 400);
    const error = refused(
      () => client('SyncUpdates', syncParameters(`<InstalledNonLeafUpdateIDs>${ints(401)}</InstalledNonLeafUpdateIDs>`)),
      WuspErrorCode.InvalidParameters,
      'parameters.InstalledNonLeafUpdateIDs',
      'array-too-long',
    );
    assert.equal(error.fault.method, `${CLIENT_NS}/SyncUpdates`);
    assert.equal(error.soapVersion, '1.1');
  });

  it('accepts the 3679 OtherCachedUpdateIDs WS2025 accepted, refuses beyond the configured cap', () => {
    const ok = client('SyncUpdates', syncParameters(`<OtherCachedUpdateIDs>${ints(3679)}</OtherCachedUpdateIDs>`));
    assert.equal(ok.operation === 'SyncUpdates' && ok.request.parameters.otherCachedUpdateIds?.length, 3679);
    refused(() => client('SyncUpdates', syncParameters(`<OtherCachedUpdateIDs>${ints(11)}</OtherCachedUpdateIDs>`), { maxArrayItems: 10 }), WuspErrorCode.InvalidParameters, 'parameters.OtherCachedUpdateIDs', 'array-too-long');
  });

  it('refuses an invalid GUID with the parameter path', () => {
    const inner = `${COOKIE}<parameters><SkipSoftwareSync>false</SkipSoftwareSync><FilterCategoryIds><CategoryIdentifier><Id>not-a-guid</Id></CategoryIdentifier></FilterCategoryIds></parameters>`;
    refused(() => client('SyncUpdates', inner), WuspErrorCode.InvalidParameters, 'parameters.FilterCategoryIds.Id');
    refused(
      () => client('StartCategoryScan', '<requestedCategories><CategoryRelationship><IndexOfAndGroup>0</IndexOfAndGroup><CategoryId>{dd78b8a1-0b20-45c1-add6-4da72e9364cf}</CategoryId></CategoryRelationship></requestedCategories>'),
      WuspErrorCode.InvalidParameters,
      'requestedCategories.CategoryId',
    );
  });

  it('refuses non-integers and out-of-range ints', () => {
    refused(() => client('SyncUpdates', syncParameters('<InstalledNonLeafUpdateIDs><int>12x</int></InstalledNonLeafUpdateIDs>')), WuspErrorCode.InvalidParameters, 'parameters.InstalledNonLeafUpdateIDs');
    refused(() => client('SyncUpdates', syncParameters('<OtherCachedUpdateIDs><int>2147483648</int></OtherCachedUpdateIDs>')), WuspErrorCode.InvalidParameters, 'parameters.OtherCachedUpdateIDs');
  });

  it('refuses SystemSpec on a software pass (§3.1.5.7)', () => {
    refused(() => client('SyncUpdates', syncParameters('<SystemSpec><Device/></SystemSpec>')), WuspErrorCode.InvalidParameters, 'parameters.SystemSpec');
  });

  it('refuses a missing parameters element and a missing required boolean', () => {
    refused(() => client('SyncUpdates', COOKIE), WuspErrorCode.InvalidParameters, 'parameters');
    refused(() => client('SyncUpdates', `${COOKIE}<parameters><ExpressQuery>false</ExpressQuery></parameters>`), WuspErrorCode.InvalidParameters, 'parameters.SkipSoftwareSync');
  });

  it('refuses a repeated scalar element', () => {
    refused(() => client('SyncUpdates', syncParameters('<SkipSoftwareSync>true</SkipSoftwareSync>')), WuspErrorCode.InvalidParameters, 'parameters.SkipSoftwareSync');
  });

  it('answers a missing or broken cookie with InvalidCookie', () => {
    refused(() => client('SyncUpdates', '<parameters><SkipSoftwareSync>false</SkipSoftwareSync></parameters>'), WuspErrorCode.InvalidCookie, 'cookie', 'invalid-cookie');
    refused(() => client('RegisterComputer', '<cookie><Expiration>yesterday</Expiration><EncryptedData>AAAA</EncryptedData></cookie>'), WuspErrorCode.InvalidCookie, 'cookie');
    refused(() => client('GetFileLocations', '<cookie><Expiration>2026-10-04T16:03:35Z</Expiration><EncryptedData>not base64!</EncryptedData></cookie><fileDigests/>'), WuspErrorCode.InvalidCookie, 'cookie');
    refused(() => client('GetFileLocations', '<cookie><Expiration>2026-10-04T16:03:35Z</Expiration></cookie><fileDigests/>'), WuspErrorCode.InvalidCookie, 'cookie');
  });

  it('GetCookie: not exactly one authorization cookie → InvalidAuthorizationCookie (§3.1.5.4)', () => {
    const auth = '<AuthorizationCookie><PlugInId>SimpleTargeting</PlugInId><CookieData>AAAA</CookieData></AuthorizationCookie>';
    const rest = '<lastChange>2026-10-04T13:17:07.59Z</lastChange><currentTime>2026-10-04T15:03:36Z</currentTime><protocolVersion>2.90</protocolVersion>';
    refused(() => client('GetCookie', `<authCookies/>${rest}`), WuspErrorCode.InvalidAuthorizationCookie, 'authCookies');
    refused(() => client('GetCookie', `<authCookies>${auth}${auth}</authCookies>${rest}`), WuspErrorCode.InvalidAuthorizationCookie, 'authCookies');
    refused(() => client('GetCookie', `<authCookies><AuthorizationCookie><PlugInId>x</PlugInId></AuthorizationCookie></authCookies>${rest}`), WuspErrorCode.InvalidAuthorizationCookie, 'authCookies');
    refused(() => client('GetCookie', `<authCookies>${auth}</authCookies>${rest.replace('2.90', 'two')}`), WuspErrorCode.InvalidParameters, 'protocolVersion');
  });

  it('GetConfig: protocolVersion must be a two-part version', () => {
    refused(() => client('GetConfig', ''), WuspErrorCode.InvalidParameters, 'protocolVersion');
    refused(() => client('GetConfig', '<protocolVersion>2</protocolVersion>'), WuspErrorCode.InvalidParameters, 'protocolVersion');
  });

  it('GetAuthorizationCookie: clientId must be a ClientIdString, dnsName must be present', () => {
    refused(() => call(SIMPLE_AUTH_NS, 'GetAuthorizationCookie', '<clientId>bad id!</clientId><dnsName>pc</dnsName>'), WuspErrorCode.InvalidParameters, 'clientId');
    refused(() => call(SIMPLE_AUTH_NS, 'GetAuthorizationCookie', '<clientId>e1da06a3-5601-43c9-bac3-52d5db701494</clientId>'), WuspErrorCode.InvalidParameters, 'dnsName');
  });

  it('GetExtendedUpdateInfo: at most MaxExtendedUpdatesPerRequest ids (≤, not <), infoTypes and locales rules', () => {
    const geui = (ids: number, types = '<XmlUpdateFragmentType>Extended</XmlUpdateFragmentType>', locales = '') =>
      client('GetExtendedUpdateInfo', `${COOKIE}<revisionIDs>${ints(ids)}</revisionIDs><infoTypes>${types}</infoTypes>${locales}`);
    assert.equal(geui(50).operation, 'GetExtendedUpdateInfo');
    refused(() => geui(51), WuspErrorCode.InvalidParameters, 'revisionIDs', 'array-too-long');
    refused(() => geui(1, '<XmlUpdateFragmentType>Everything</XmlUpdateFragmentType>'), WuspErrorCode.InvalidParameters, 'infoTypes');
    refused(() => geui(1, '<XmlUpdateFragmentType>LocalizedProperties</XmlUpdateFragmentType>'), WuspErrorCode.InvalidParameters, 'locales');
    refused(() => client('GetExtendedUpdateInfo', `${COOKIE}<revisionIDs><int>1</int></revisionIDs>`), WuspErrorCode.InvalidParameters, 'infoTypes');
  });

  it('GetFileLocations: each digest must be 20 bytes (§3.1.5.10)', () => {
    const ok = client('GetFileLocations', `${COOKIE}<fileDigests><base64Binary>${Buffer.alloc(20).toString('base64')}</base64Binary></fileDigests>`);
    assert.equal(ok.operation === 'GetFileLocations' && ok.request.fileDigests[0]?.byteLength, 20);
    refused(() => client('GetFileLocations', `${COOKIE}<fileDigests><base64Binary>AAAA</base64Binary></fileDigests>`), WuspErrorCode.InvalidParameters, 'fileDigests');
    refused(() => client('GetFileLocations', COOKIE), WuspErrorCode.InvalidParameters, 'fileDigests');
  });

  it('StartCategoryScan: fewer than 200 categories (<52>)', () => {
    const cats = (n: number) => Array.from({ length: n }, () => '<CategoryRelationship><IndexOfAndGroup>0</IndexOfAndGroup><CategoryId>dd78b8a1-0b20-45c1-add6-4da72e9364cf</CategoryId></CategoryRelationship>').join('');
    assert.equal(client('StartCategoryScan', `<requestedCategories>${cats(199)}</requestedCategories>`).operation, 'StartCategoryScan');
    refused(() => client('StartCategoryScan', `<requestedCategories>${cats(200)}</requestedCategories>`), WuspErrorCode.InvalidParameters, 'requestedCategories', 'array-too-long');
    refused(() => client('StartCategoryScan', ''), WuspErrorCode.InvalidParameters, 'requestedCategories');
  });

  it('RefreshCache: globalIDs required', () => {
    refused(() => client('RefreshCache', COOKIE), WuspErrorCode.InvalidParameters, 'globalIDs');
  });

  it('ReportEventBatch: enum and required fields are checked', () => {
    const event = (arch: string) =>
      `<ReportingEvent><BasicData><SequenceNumber>0</SequenceNumber><TimeAtTarget>2026-10-04T15:10:00Z</TimeAtTarget><EventInstanceID>E6D82915-627F-418B-A5CC-B9FCD400455B</EventInstanceID><NamespaceID>1</NamespaceID><EventID>147</EventID><SourceID>101</SourceID><Win32HResult>0</Win32HResult></BasicData><ExtendedData><ProcessorArchitecture>${arch}</ProcessorArchitecture><OSVersion><Major>10</Major><Minor>0</Minor><Build>26200</Build><Revision>65792</Revision><ServicePackMajor>0</ServicePackMajor><ServicePackMinor>0</ServicePackMinor></OSVersion><OSLocaleID>1033</OSLocaleID></ExtendedData></ReportingEvent>`;
    const ok = call(REPORTING_NS, 'ReportEventBatch', `${COOKIE}<clientTime>2026-10-04T15:10:00Z</clientTime><eventBatch>${event('Amd64Compatible')}</eventBatch>`);
    assert.equal(ok.operation === 'ReportEventBatch' && ok.request.eventBatch[0]?.basicData?.eventId, 147);
    refused(() => call(REPORTING_NS, 'ReportEventBatch', `${COOKIE}<clientTime>2026-10-04T15:10:00Z</clientTime><eventBatch>${event('Z80')}</eventBatch>`), WuspErrorCode.InvalidParameters, 'eventBatch.ExtendedData.ProcessorArchitecture');
    refused(() => call(REPORTING_NS, 'ReportEventBatch', `${COOKIE}<eventBatch/>`), WuspErrorCode.InvalidParameters, 'clientTime');
  });

  it('ignores children in other namespaces (elementFormDefault="qualified"): an unqualified protocolVersion is absent', () => {
    refused(() => client('GetConfig', '<protocolVersion xmlns="">2.90</protocolVersion>'), WuspErrorCode.InvalidParameters, 'protocolVersion');
  });
});

/** Requests from MS-WUSP §4 (wusp-examples.md, re-joined): soapenc:arrayType attributes and xsi:nil="1" must be accepted. */
describe('MS-WUSP §4 example shapes', () => {
  const xsi = 'http://www.w3.org/2001/XMLSchema-instance';
  const soapenc = 'http://schemas.xmlsoap.org/soap/encoding/';
  const wrap = (ns: string, op: string, inner: string) =>
    `<soap:Envelope xmlns:soap="${S11}" xmlns:xsi="${xsi}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="${soapenc}">\n<soap:Body>\n<${op} xmlns="${ns}">\n${inner}\n</${op}>\n</soap:Body>\n</soap:Envelope>`;
  const decode = (ns: string, op: string, inner: string) => decodeWuspRequest(parseWuspRequest(wrap(ns, op, inner), { contentType: 'text/xml; charset=utf-8', soapAction: `"${ns}/${op}"` }));

  it('first SyncUpdates from Windows XP: nil arrays read as absent, Expiration without zone', () => {
    const d = decode(CLIENT_NS, 'SyncUpdates', `<cookie>\n<Expiration>2006-05-23T04:06:32.9843746</Expiration>\n<EncryptedData>vS39KAEKKzRInaR4GVchjeaj4kJ3GEFqsmQE6fQGdxnt\nnGxs+PPNTGQqqnBrJT==\n</EncryptedData>\n</cookie>\n<parameters>\n<ExpressQuery>false</ExpressQuery>\n<InstalledNonLeafUpdateIDs xsi:nil="1" />\n<OtherCachedUpdateIDs xsi:nil="1" />\n<SystemSpec xsi:nil="1" />\n<CachedDriverIDs xsi:nil="1" />\n<SkipSoftwareSync>false</SkipSoftwareSync>\n</parameters>`);
    if (d.operation !== 'SyncUpdates') assert.fail(d.operation);
    assert.equal(d.request.parameters.installedNonLeafUpdateIds, undefined);
    assert.equal(d.request.parameters.systemSpec, undefined);
    assert.equal(d.request.cookie.expiration, '2006-05-23T04:06:32.9843746');
  });

  it('second SyncUpdates: soapenc:arrayType attributes are ignored', () => {
    const d = decode(CLIENT_NS, 'SyncUpdates', `${COOKIE}<parameters><ExpressQuery>false</ExpressQuery><InstalledNonLeafUpdateIDs soapenc:arrayType="xsd:int[1]">\n<int>109</int>\n</InstalledNonLeafUpdateIDs><SkipSoftwareSync>false</SkipSoftwareSync></parameters>`);
    assert.deepEqual(d.operation === 'SyncUpdates' && d.request.parameters.installedNonLeafUpdateIds, [109]);
  });

  it('GetCookie with a nil EncryptedData in oldCookie and an empty targetGroupName in GetAuthorizationCookie', () => {
    const cookieData = Buffer.alloc(30, 7).toString('base64');
    const d = decode(CLIENT_NS, 'GetCookie', `<authCookies xmlns:q1="${CLIENT_NS}" soapenc:arrayType="q1:AuthorizationCookie[1]"><AuthorizationCookie><PlugInId>SimpleTargeting</PlugInId><CookieData>${cookieData}</CookieData></AuthorizationCookie></authCookies><oldCookie><Expiration>2006-05-16T18:54:28.85Z</Expiration><EncryptedData xsi:nil="1" /></oldCookie><lastChange>2006-05-16T18:54:28.85Z</lastChange><currentTime>2006-05-17T16:16:38Z</currentTime><protocolVersion>1.8</protocolVersion>`);
    assert.deepEqual(d.operation === 'GetCookie' && d.request.oldCookie, { expiration: '2006-05-16T18:54:28.85Z' });
    const a = decode(SIMPLE_AUTH_NS, 'GetAuthorizationCookie', '<clientId>5c7f4f80-3896-4d10-8a38-469286a0febc</clientId><targetGroupName /><dnsName>microsof-cd0710.redmond.corp.microsoft.com</dnsName>');
    assert.deepEqual(a.request, { clientId: '5c7f4f80-3896-4d10-8a38-469286a0febc', dnsName: 'microsof-cd0710.redmond.corp.microsoft.com' });
  });

  it('ReportEventBatch from Windows XP (EventID 148) with MiscData and empty PrivateData', () => {
    const d = decode(REPORTING_NS, 'ReportEventBatch', `${COOKIE}<clientTime>2006-05-17T16:16:38.015</clientTime><eventBatch xmlns:q1="${REPORTING_NS}" soapenc:arrayType="q1:ReportingEvent[1]"><ReportingEvent><BasicData><TargetID><Sid>5c7f4f80-3896-4d10-8a38-469286a0febc</Sid></TargetID><SequenceNumber>0</SequenceNumber><TimeAtTarget>2006-05-17T16:13:29.734</TimeAtTarget><EventInstanceID>E6D82915-627F-418B-A5CC-B9FCD400455B</EventInstanceID><NamespaceID>1</NamespaceID><EventID>148</EventID><SourceID>101</SourceID><UpdateID><UpdateID>D67661EB-2423-451D-BF5D-13199E37DF28</UpdateID><RevisionNumber>0</RevisionNumber></UpdateID><Win32HResult>-2145107943</Win32HResult><AppName>SelfUpdate</AppName></BasicData><ExtendedData><ReplacementStrings soapenc:arrayType="xsd:string[1]"><string>0x80244019</string></ReplacementStrings><MiscData soapenc:arrayType="xsd:string[2]"><string>Q=1</string><string>G=7.0.5378.45</string></MiscData><ComputerBrand>Hewlett-Packard</ComputerBrand><ComputerModel>HP Compaq nx6125 (EM493UC#ABA)</ComputerModel><BiosRevision>68DTT Ver. F.0D</BiosRevision><ProcessorArchitecture>X86Compatible</ProcessorArchitecture><OSVersion><Major>5</Major><Minor>1</Minor><Build>2600</Build><Revision>65792</Revision><ServicePackMajor>2</ServicePackMajor><ServicePackMinor>0</ServicePackMinor></OSVersion><OSLocaleID>1033</OSLocaleID><DeviceID /></ExtendedData><PrivateData><ComputerDnsName /><UserAccountName /></PrivateData></ReportingEvent></eventBatch>`);
    if (d.operation !== 'ReportEventBatch') assert.fail(d.operation);
    const e = d.request.eventBatch[0];
    assert.equal(e?.basicData?.win32HResult, -2145107943);
    assert.equal(e?.basicData?.targetId?.sid, '5c7f4f80-3896-4d10-8a38-469286a0febc');
    assert.deepEqual(e?.extendedData?.miscData, ['Q=1', 'G=7.0.5378.45']);
    assert.deepEqual(e?.privateData, { computerDnsName: '', userAccountName: '' });
  });
});

describe('SOAP 1.2 variant', () => {
  it('decodes a captured request re-sent as SOAP 1.2 and answers in SOAP 1.2 framing', () => {
    const xml = fixtureText('01-GetConfig.request.xml').replaceAll(S11, S12);
    const parsed = parseWuspRequest(xml, { contentType: `application/soap+xml; charset=utf-8; action="${CLIENT_NS}/GetConfig"` });
    assert.equal(parsed.soapVersion, '1.2');
    assert.deepEqual(decodeWuspRequest(parsed).request, { protocolVersion: '2.90' });
    const response = encodeWuspResponse({ operation: 'RegisterComputer', result: {} }, { soapVersion: '1.2' });
    assert.equal(response.contentType, 'application/soap+xml; charset=utf-8');
    assert.equal(
      response.body,
      `<s:Envelope xmlns:s="${S12}"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><RegisterComputerResponse xmlns="${CLIENT_NS}"/></s:Body></s:Envelope>`,
    );
  });
});

describe('packed id lists (SoapOperation.packedIntLists) decode as the general path does', () => {
  // The same operations without packing: every list then goes through the element tree.
  const unpacked = new SoapOperationCatalog(WUSP_OPERATIONS.map(({ packedIntLists: _, ...op }) => op));
  const decodeBoth = (operation: string, inner: string, options: Partial<WuspDecodeOptions> = {}): [string, string] => {
    const xml = `<s:Envelope xmlns:s="${S11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body><${operation} xmlns="${CLIENT_NS}">${inner}</${operation}></s:Body></s:Envelope>`;
    const headers = { contentType: 'text/xml; charset=utf-8', soapAction: `"${CLIENT_NS}/${operation}"` };
    const outcome = (parse: () => ParsedSoapRequest): string => {
      try {
        return JSON.stringify(decodeWuspRequest(parse(), options), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
      } catch (error) {
        if (!(error instanceof SoapRequestError)) throw error;
        return `refused: ${error.kind} ${error.fault.errorCode} ${error.fault.message}`;
      }
    };
    return [outcome(() => parseWuspRequest(xml, headers)), outcome(() => parseSoapRequest(xml, headers, { operations: unpacked }))];
  };
  const list = (name: string, items: string): string => `<${name}>${items}</${name}>`;

  it('SyncUpdates: plain, odd, out-of-range and over-cap lists', () => {
    const items = [
      ints(3), '', `\n ${ints(5).replaceAll('</int>', '</int>\n ')}`, '<int>2147483647</int><int>000</int>', '<int>2147483648</int>', '<int>-1</int><int>2</int>',
      '<int> 7 </int>', '<int>&#55;</int>', `${ints(2)}<int xsi:nil="true"/>${ints(2)}`, `${ints(2)}<!--c-->${ints(2)}`, '<int>1.5</int>', '<int>x</int>', '<int/>',
    ];
    for (const name of ['InstalledNonLeafUpdateIDs', 'OtherCachedUpdateIDs']) {
      for (const item of items) {
        const [packed, general] = decodeBoth('SyncUpdates', syncParameters(list(name, item)));
        assert.equal(packed, general, `${name}: ${item}`);
      }
    }
    const [installedOk, installedOkGeneral] = decodeBoth('SyncUpdates', syncParameters(list('InstalledNonLeafUpdateIDs', ints(400))));
    assert.equal(installedOk, installedOkGeneral);
    const [over, overGeneral] = decodeBoth('SyncUpdates', syncParameters(list('InstalledNonLeafUpdateIDs', ints(401))));
    assert.equal(over, overGeneral);
    assert.equal(over, `refused: array-too-long ${WuspErrorCode.InvalidParameters} parameters.InstalledNonLeafUpdateIDs`);
    const [capped, cappedGeneral] = decodeBoth('SyncUpdates', syncParameters(list('OtherCachedUpdateIDs', ints(11))), { maxArrayItems: 10 });
    assert.equal(capped, cappedGeneral);
    assert.match(capped, /^refused: array-too-long/);
    const [twice, twiceGeneral] = decodeBoth('SyncUpdates', syncParameters(list('OtherCachedUpdateIDs', ints(2)) + list('OtherCachedUpdateIDs', ints(2))));
    assert.equal(twice, twiceGeneral);
    assert.match(twice, /^refused: .* parameters.OtherCachedUpdateIDs$/);
    const [driver, driverGeneral] = decodeBoth('SyncUpdates', syncParameters(list('CachedDriverIDs', ints(4)), 'true'));
    assert.equal(driver, driverGeneral);
    assert.match(driver, /"cachedDriverIds":\[1,2,3,4\]/);
  });

  it('GetExtendedUpdateInfo and SyncPrinterCatalog lists', () => {
    const eui = (ids: string): string => `${COOKIE}${list('revisionIDs', ids)}<infoTypes><XmlUpdateFragmentType>Extended</XmlUpdateFragmentType></infoTypes>`;
    for (const ids of [ints(3), '<int>4</int><int> 5</int>', '<int>99999999999</int>', ints(0)]) {
      const [packed, general] = decodeBoth('GetExtendedUpdateInfo', eui(ids));
      assert.equal(packed, general, ids);
    }
    for (const name of ['installedNonLeafUpdateIDs', 'PrinterUpdateIDs']) {
      const [packed, general] = decodeBoth('SyncPrinterCatalog', `${COOKIE}${list(name, ints(3))}`);
      assert.equal(packed, general, name);
      assert.match(packed, /\[1,2,3\]/);
    }
  });
});
