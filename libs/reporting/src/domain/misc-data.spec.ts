import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGuidList, parseMiscData } from './misc-data.js';
import { effectiveEventTime, parseReportTime } from './report-time.js';
import { decideRegistration, type Registration } from './registration.js';

describe('MiscData, report times and registrations', () => {
  it('reads "Tag=value" MiscData with case-sensitive tags', () => {
    const tags = parseMiscData(['A=0', 'G=10.0.26100.1', 'g=x', 'B=123', 'junk', '=nothing']);
    assert.equal(tags.get('G'), '10.0.26100.1');
    assert.equal(tags.get('g'), 'x');
    assert.equal(tags.size, 4);
  });

  it('reads GUID lists with braces, upper case and stray separators, dropping what is not a GUID', () => {
    assert.deepEqual(parseGuidList('{AAAAAAAA-0000-0000-0000-000000000001};bbbbbbbb-0000-0000-0000-000000000002;;nope;'), [
      'aaaaaaaa-0000-0000-0000-000000000001',
      'bbbbbbbb-0000-0000-0000-000000000002',
    ]);
  });

  it('reads xs:dateTime with 7 fraction digits, offsets, or no zone (UTC)', () => {
    assert.equal(parseReportTime('2026-10-04T13:17:07.5912345Z'), Date.parse('2026-10-04T13:17:07.591Z'));
    assert.equal(parseReportTime('2026-10-04T13:17:07'), Date.parse('2026-10-04T13:17:07Z'));
    assert.equal(parseReportTime('2026-10-04T15:17:07+02:00'), Date.parse('2026-10-04T13:17:07Z'));
    assert.equal(parseReportTime('2026-02-30T00:00:00Z'), null);
    assert.equal(parseReportTime('yesterday'), null);
  });

  it('counts an event at its TimeAtTarget, but never later than when it was stored, and unreadable times at storage', () => {
    const stored = '2026-10-04T13:00:00.000Z';
    assert.equal(effectiveEventTime('2026-10-04T12:00:00Z', stored), Date.parse('2026-10-04T12:00:00Z'));
    assert.equal(effectiveEventTime('2027-01-01T00:00:00Z', stored), Date.parse(stored));
    assert.equal(effectiveEventTime('not a time', stored), Date.parse(stored));
  });

  it('registers a computer again only when something changed', () => {
    const reg: Registration = {
      computerId: 'c1',
      dnsName: 'pc1.lab',
      osMajorVersion: 10,
      osMinorVersion: 0,
      osBuildNumber: 26100,
      osServicePackMajorNumber: 0,
      osLocale: 'en-US',
      computerManufacturer: 'Contoso',
      computerModel: 'M1',
      clientVersion: '1507.2601.30012.0',
      clientIp: '10.0.0.5',
    };
    assert.deepEqual(decideRegistration(reg, null), reg);
    assert.equal(decideRegistration({ ...reg }, reg), null);
    assert.deepEqual(decideRegistration({ ...reg, clientIp: '10.0.0.6' }, reg), { ...reg, clientIp: '10.0.0.6' });
  });
});
