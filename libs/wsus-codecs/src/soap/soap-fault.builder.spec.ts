import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WuspErrorCode, WUSP_ERROR_CODES } from './fault-error-code.constants.js';
import { buildSoapFault, buildSoapFaultForError } from './soap-fault.builder.js';
import { SoapRequestError } from './soap-request.error.js';

const ID = '2587c8c1-4f54-4033-9f1a-3a195bf0495d';
const SYNC = 'http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates';

describe('buildSoapFault', () => {
  it('writes the SOAP 1.1 fault of the client service as WS2025 does (s: prefix, faultstring "Fault occurred", quoted Method)', () => {
    const response = buildSoapFault(
      { errorCode: WuspErrorCode.InvalidParameters, message: 'parameters.InstalledNonLeafUpdateIDs', method: SYNC },
      { soapVersion: '1.1', style: 'compact', id: ID },
    );
    assert.equal(response.status, 500);
    assert.equal(response.contentType, 'text/xml; charset=utf-8');
    assert.equal(
      response.body,
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
        '<s:Fault><faultcode>s:Client</faultcode><faultstring>Fault occurred</faultstring><detail>' +
        '<ErrorCode>InvalidParameters</ErrorCode><Message>parameters.InstalledNonLeafUpdateIDs</Message>' +
        `<ID>${ID}</ID><Method>"${SYNC}"</Method></detail></s:Fault></s:Body></s:Envelope>`,
    );
  });

  it('writes the ASMX-style fault (declaration, soap: prefix, empty Message, soap:Server for InternalServerError)', () => {
    const response = buildSoapFault(
      { errorCode: WuspErrorCode.InternalServerError },
      { soapVersion: '1.1', style: 'asmx', id: ID, faultActor: 'http://server:8530/ReportingWebService/ReportingWebService.asmx' },
    );
    assert.equal(
      response.body,
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>' +
        '<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Fault occurred</faultstring>' +
        '<faultactor>http://server:8530/ReportingWebService/ReportingWebService.asmx</faultactor>' +
        `<detail><ErrorCode>InternalServerError</ErrorCode><Message/><ID>${ID}</ID></detail></soap:Fault></soap:Body></soap:Envelope>`,
    );
  });

  it('writes the SOAP 1.2 variant with Code/Reason/Detail and the 1.2 content type', () => {
    const response = buildSoapFault({ errorCode: WuspErrorCode.CookieExpired, method: SYNC }, { soapVersion: '1.2', style: 'compact', id: ID });
    assert.equal(response.status, 500);
    assert.equal(response.contentType, 'application/soap+xml; charset=utf-8');
    assert.equal(
      response.body,
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
        '<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang="en">Fault occurred</s:Text></s:Reason>' +
        `<s:Detail><ErrorCode>CookieExpired</ErrorCode><Message/><ID>${ID}</ID><Method>"${SYNC}"</Method></s:Detail></s:Fault></s:Body></s:Envelope>`,
    );
  });

  it('names all eleven MS-WUSP ErrorCodes and can write each', () => {
    assert.deepEqual([...WUSP_ERROR_CODES].sort(), [
      'ConfigChanged', 'CookieExpired', 'FileLocationChanged', 'InternalServerError', 'InvalidAuthorizationCookie', 'InvalidCookie',
      'InvalidParameters', 'RegistrationNotRequired', 'RegistrationRequired', 'ServerBusy', 'ServerChanged',
    ]);
    for (const code of WUSP_ERROR_CODES) {
      assert.match(buildSoapFault({ errorCode: code }, { soapVersion: '1.1', style: 'compact', id: ID }).body, new RegExp(`<ErrorCode>${code}</ErrorCode>`));
    }
  });

  it('builds the fault for a refused request in the version the client spoke', () => {
    const error = new SoapRequestError('missing-action', { message: 'SOAPAction' }, { soapVersion: '1.2' });
    const response = buildSoapFaultForError(error, { style: 'compact', id: ID });
    assert.equal(response.contentType, 'application/soap+xml; charset=utf-8');
    assert.match(response.body, /<ErrorCode>InvalidParameters<\/ErrorCode><Message>SOAPAction<\/Message>/);
  });

  it('refuses a fault id that is not a GUID', () => {
    assert.throws(() => buildSoapFault({ errorCode: WuspErrorCode.ServerBusy }, { soapVersion: '1.1', style: 'compact', id: 'nope' }), RangeError);
  });
});
