import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WuspErrorCode } from './fault-error-code.constants.js';
import { SoapOperationCatalog } from './soap-operation.catalog.js';
import { SoapRequestError, type SoapRequestErrorKind } from './soap-request.error.js';
import { parseSoapRequest } from './soap-request.parser.js';

const CLIENT_NS = 'http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService';
const operations = new SoapOperationCatalog([
  { service: 'Client', name: 'GetConfig', namespace: CLIENT_NS, action: `${CLIENT_NS}/GetConfig`, responseStyle: 'compact' },
  { service: 'Client', name: 'SyncUpdates', namespace: CLIENT_NS, action: `${CLIENT_NS}/SyncUpdates`, responseStyle: 'compact' },
  {
    service: 'Client',
    name: 'SyncPrinterCatalog',
    namespace: CLIENT_NS,
    action: `${CLIENT_NS}/SyncPrinterCatalog`,
    alternateActions: [`${CLIENT_NS}/SyncUpdates`],
    responseStyle: 'compact',
  },
]);

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const GET_CONFIG_ACTION = `"${CLIENT_NS}/GetConfig"`;
const soap11 = { contentType: 'text/xml; charset=utf-8', soapAction: GET_CONFIG_ACTION };

function envelope(inner: string, ns = S11, prefix = 's'): string {
  return `<${prefix}:Envelope xmlns:${prefix}="${ns}"><${prefix}:Body>${inner}</${prefix}:Body></${prefix}:Envelope>`;
}
const getConfig = `<GetConfig xmlns="${CLIENT_NS}"><protocolVersion>2.90</protocolVersion></GetConfig>`;

function refusal(fn: () => unknown): SoapRequestError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SoapRequestError, `expected SoapRequestError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be refused');
}

function assertRefused(fn: () => unknown, kind: SoapRequestErrorKind, errorCode: WuspErrorCode = WuspErrorCode.InvalidParameters): SoapRequestError {
  const error = refusal(fn);
  assert.equal(error.kind, kind, error.message);
  assert.equal(error.fault.errorCode, errorCode);
  assert.equal(error.httpStatus, 500);
  return error;
}

describe('parseSoapRequest', () => {
  it('accepts SOAP 1.1 with a quoted SOAPAction (native WUA form)', () => {
    const parsed = parseSoapRequest(Buffer.from(envelope(getConfig)), soap11, { operations });
    assert.equal(parsed.soapVersion, '1.1');
    assert.equal(parsed.action, `${CLIENT_NS}/GetConfig`);
    assert.equal(parsed.operation, 'GetConfig');
    assert.equal(parsed.namespace, CLIENT_NS);
    assert.equal(parsed.body.children[0]?.name, 'protocolVersion');
    assert.equal(parsed.body.children[0]?.text, '2.90');
  });

  it('accepts an unquoted SOAPAction and an XML declaration and BOM', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<?xml version="1.0" encoding="utf-8"?>${envelope(getConfig)}`)]);
    const parsed = parseSoapRequest(body, { contentType: 'text/xml', soapAction: `${CLIENT_NS}/GetConfig` }, { operations });
    assert.equal(parsed.operation, 'GetConfig');
  });

  it('accepts SOAP 1.2 with the action in the Content-Type', () => {
    const parsed = parseSoapRequest(envelope(getConfig, S12, 'soap12'), { contentType: `application/soap+xml; charset=utf-8; action="${CLIENT_NS}/GetConfig"` }, { operations });
    assert.equal(parsed.soapVersion, '1.2');
    assert.equal(parsed.operation, 'GetConfig');
  });

  it('resolves namespaces, not prefixes: any envelope and body prefix works', () => {
    const inner = `<c:GetConfig xmlns:c="${CLIENT_NS}"><c:protocolVersion>1.8</c:protocolVersion></c:GetConfig>`;
    const parsed = parseSoapRequest(envelope(inner, S11, 'env'), soap11, { operations });
    assert.equal(parsed.body.children[0]?.ns, CLIENT_NS);
    assert.equal(parsed.body.children[0]?.text, '1.8');
  });

  it('decodes predefined entities and character references, keeps CDATA verbatim', () => {
    const inner = `<GetConfig xmlns="${CLIENT_NS}"><protocolVersion>a&amp;b&#x41;&#66;<![CDATA[&amp;]]></protocolVersion></GetConfig>`;
    const parsed = parseSoapRequest(envelope(inner), soap11, { operations });
    assert.equal(parsed.body.children[0]?.text, 'a&bAB&amp;');
  });

  it('dispatches SyncPrinterCatalog sent with the SyncUpdates action (MS-WUSP §2.2.2.2.9 prose erratum)', () => {
    const inner = `<SyncPrinterCatalog xmlns="${CLIENT_NS}"/>`;
    const parsed = parseSoapRequest(envelope(inner), { contentType: 'text/xml', soapAction: `${CLIENT_NS}/SyncUpdates` }, { operations });
    assert.equal(parsed.operation, 'SyncPrinterCatalog');
  });

  describe('refusals', () => {
    it('refuses a DOCTYPE with an internal entity (billion laughs) before parsing', () => {
      const xml = `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>${envelope(getConfig.replace('2.90', '&b;'))}`;
      assertRefused(() => parseSoapRequest(xml, soap11, { operations }), 'dtd-forbidden');
    });

    it('refuses an external entity declaration (XXE) and never fetches it', () => {
      const xml = `<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelope(getConfig.replace('2.90', '&xxe;'))}`;
      assertRefused(() => parseSoapRequest(xml, soap11, { operations }), 'dtd-forbidden');
    });

    it('refuses a reference to an undeclared entity', () => {
      assertRefused(() => parseSoapRequest(envelope(getConfig.replace('2.90', '&xxe;')), soap11, { operations }), 'malformed-xml');
    });

    it('refuses a body larger than the limit before decoding it', () => {
      const xml = envelope(getConfig.replace('2.90', 'x'.repeat(2000)));
      assertRefused(() => parseSoapRequest(xml, soap11, { operations, limits: { maxBodyBytes: 1024 } }), 'body-too-large');
    });

    it('refuses nesting deeper than the limit', () => {
      const deep = '<a>'.repeat(40) + '</a>'.repeat(40);
      assertRefused(() => parseSoapRequest(envelope(`<GetConfig xmlns="${CLIENT_NS}">${deep}</GetConfig>`), soap11, { operations }), 'too-deep');
    });

    it('refuses more children under one element than the limit (array bound)', () => {
      const ints = '<int>1</int>'.repeat(101);
      const inner = `<GetConfig xmlns="${CLIENT_NS}"><ids>${ints}</ids></GetConfig>`;
      const error = assertRefused(() => parseSoapRequest(envelope(inner), soap11, { operations, limits: { maxChildrenPerElement: 100 } }), 'too-many-children');
      assert.equal(error.fault.message, 'ids');
    });

    it('refuses more elements in total than the limit', () => {
      const inner = `<GetConfig xmlns="${CLIENT_NS}">${'<a/>'.repeat(50)}</GetConfig>`;
      assertRefused(() => parseSoapRequest(envelope(inner), soap11, { operations, limits: { maxElements: 20 } }), 'too-many-elements');
    });

    it('counts `<n>digits</n>` leaves (passed over quickly by the pre-scan) against every limit', () => {
      const ids = (n: number): string => '<int>7</int>'.repeat(n);
      const inGetConfig = (inner: string): string => envelope(`<GetConfig xmlns="${CLIENT_NS}">${inner}</GetConfig>`);
      assertRefused(() => parseSoapRequest(inGetConfig(ids(50)), soap11, { operations, limits: { maxElements: 20 } }), 'too-many-elements');
      assert.doesNotThrow(() => parseSoapRequest(inGetConfig(ids(16)), soap11, { operations, limits: { maxElements: 20 } }));
      // Envelope, Body, GetConfig, then `a`s: the leaf is the element past the depth limit.
      const nested = (depth: number): string => `${'<a>'.repeat(depth)}${ids(1)}${'</a>'.repeat(depth)}`;
      assertRefused(() => parseSoapRequest(inGetConfig(nested(6)), soap11, { operations, limits: { maxDepth: 9 } }), 'too-deep');
      assert.doesNotThrow(() => parseSoapRequest(inGetConfig(nested(5)), soap11, { operations, limits: { maxDepth: 9 } }));
      // Its end tag still has to match, and close an element.
      for (const broken of ['<int>7</inx>', '<int>7</int', '<int>7</int></a>']) assertRefused(() => parseSoapRequest(inGetConfig(broken), soap11, { operations }), 'malformed-xml');
    });

    for (const [label, xml] of [
      ['crossed tags', `<s:Envelope xmlns:s="${S11}"><s:Body><GetConfig xmlns="${CLIENT_NS}"></s:Body></GetConfig></s:Envelope>`],
      ['unclosed root', `<s:Envelope xmlns:s="${S11}"><s:Body>`],
      ['two roots', `${envelope(getConfig)}<x/>`],
      ['text after the root', `${envelope(getConfig)}junk`],
      ['duplicate attribute', envelope(`<GetConfig xmlns="${CLIENT_NS}" a="1" a="2"/>`)],
      ['attribute without value', envelope(`<GetConfig xmlns="${CLIENT_NS}" a/>`)],
      ['undeclared prefix', envelope(`<c:GetConfig/>`)],
      ['empty document', ''],
      ['not XML at all', 'GetConfig please'],
    ] as const) {
      it(`refuses malformed XML: ${label}`, () => {
        assertRefused(() => parseSoapRequest(xml, soap11, { operations }), 'malformed-xml');
      });
    }

    it('refuses a body that is not UTF-8', () => {
      const body = Buffer.concat([Buffer.from(envelope(getConfig).slice(0, 40)), Buffer.from([0xff, 0xfe]), Buffer.from('x')]);
      assertRefused(() => parseSoapRequest(body, soap11, { operations }), 'malformed-xml');
    });

    it('refuses a missing or empty SOAPAction', () => {
      assertRefused(() => parseSoapRequest(envelope(getConfig), { contentType: 'text/xml' }, { operations }), 'missing-action');
      assertRefused(() => parseSoapRequest(envelope(getConfig), { contentType: 'text/xml', soapAction: '""' }, { operations }), 'missing-action');
      assertRefused(() => parseSoapRequest(envelope(getConfig, S12), { contentType: 'application/soap+xml' }, { operations }), 'missing-action');
    });

    it('refuses an unknown SOAPAction', () => {
      const error = assertRefused(
        () => parseSoapRequest(envelope(getConfig), { contentType: 'text/xml', soapAction: `"${CLIENT_NS}/DropTables"` }, { operations }),
        'unknown-action',
      );
      assert.equal(error.fault.message, 'SOAPAction');
    });

    it('refuses a SOAPAction that does not match the body element and names the method', () => {
      const error = assertRefused(
        () => parseSoapRequest(envelope(getConfig), { contentType: 'text/xml', soapAction: `${CLIENT_NS}/SyncUpdates` }, { operations }),
        'action-mismatch',
      );
      assert.equal(error.fault.method, `${CLIENT_NS}/SyncUpdates`);
    });

    it('refuses an operation element in the wrong namespace', () => {
      assertRefused(() => parseSoapRequest(envelope('<GetConfig xmlns="urn:other"/>'), soap11, { operations }), 'action-mismatch');
    });

    it('refuses an envelope whose namespace disagrees with the Content-Type (VersionMismatch)', () => {
      const error = assertRefused(() => parseSoapRequest(envelope(getConfig, S12), soap11, { operations }), 'version-mismatch');
      assert.equal(error.fault.faultCode, 'VersionMismatch');
      assert.equal(error.soapVersion, '1.1');
    });

    it('refuses an unsupported media type or charset', () => {
      assertRefused(() => parseSoapRequest(envelope(getConfig), { ...soap11, contentType: 'application/json' }, { operations }), 'unsupported-media-type');
      assertRefused(() => parseSoapRequest(envelope(getConfig), { ...soap11, contentType: 'text/xml; charset=utf-16' }, { operations }), 'unsupported-media-type');
    });

    it('refuses a header block marked mustUnderstand, ignores others', () => {
      const withHeader = (mu: string) =>
        `<s:Envelope xmlns:s="${S11}"><s:Header><h:Trace xmlns:h="urn:h" s:mustUnderstand="${mu}"/></s:Header><s:Body>${getConfig}</s:Body></s:Envelope>`;
      assert.equal(parseSoapRequest(withHeader('0'), soap11, { operations }).operation, 'GetConfig');
      const error = assertRefused(() => parseSoapRequest(withHeader('1'), soap11, { operations }), 'must-understand');
      assert.equal(error.fault.faultCode, 'MustUnderstand');
    });

    it('refuses a Body with no or several operation elements', () => {
      assertRefused(() => parseSoapRequest(envelope(''), soap11, { operations }), 'not-soap');
      assertRefused(() => parseSoapRequest(envelope(getConfig + getConfig), soap11, { operations }), 'not-soap');
    });
  });
});
