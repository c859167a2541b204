import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RANGES_PER_REQUEST, parseRangeHeader } from './byte-ranges.js';
import { contentUrlPath, parseContentPath } from './content-url.js';

describe('Range header', () => {
  const size = 1000;
  it('reads every range form', () => {
    assert.deepEqual(parseRangeHeader('bytes=0-99', size), { kind: 'ranges', ranges: [{ start: 0, end: 99 }] });
    assert.deepEqual(parseRangeHeader('bytes=900-', size), { kind: 'ranges', ranges: [{ start: 900, end: 999 }] });
    assert.deepEqual(parseRangeHeader('bytes=-100', size), { kind: 'ranges', ranges: [{ start: 900, end: 999 }] });
    assert.deepEqual(parseRangeHeader('bytes=-5000', size), { kind: 'ranges', ranges: [{ start: 0, end: 999 }] });
    assert.deepEqual(parseRangeHeader('bytes=990-5000', size), { kind: 'ranges', ranges: [{ start: 990, end: 999 }] });
    assert.deepEqual(parseRangeHeader('bytes= 0-1, 10-19 ,-1', size), {
      kind: 'ranges',
      ranges: [{ start: 0, end: 1 }, { start: 10, end: 19 }, { start: 999, end: 999 }],
    });
  });

  it('is unsatisfiable when no range starts inside the file', () => {
    assert.deepEqual(parseRangeHeader('bytes=1000-1100', size), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRangeHeader('bytes=-0', size), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRangeHeader('bytes=0-0', 0), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRangeHeader('bytes=2000-,0-9', size), { kind: 'ranges', ranges: [{ start: 0, end: 9 }] });
  });

  it('ignores malformed headers and other units (whole file), and absurd range counts', () => {
    for (const header of [undefined, 'items=0-1', 'bytes=', 'bytes=a-b', 'bytes=5-1', 'bytes=-', 'bytes=1-2-3']) {
      assert.deepEqual(parseRangeHeader(header, size), { kind: 'none' }, String(header));
    }
    const many = `bytes=${Array.from({ length: MAX_RANGES_PER_REQUEST + 1 }, (_, i) => `${i}-${i}`).join(',')}`;
    assert.deepEqual(parseRangeHeader(many, size), { kind: 'none' });
  });
});

describe('content URLs', () => {
  const hex = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678';
  it('maps the WSUS URL form both ways, case-insensitively', () => {
    assert.equal(contentUrlPath(hex.toLowerCase(), 'cab'), `/Content/78/${hex}.cab`);
    assert.deepEqual(parseContentPath('78', `${hex.toLowerCase()}.CAB`), { sha1Hex: hex, extension: 'CAB' });
  });
  it('refuses anything that is not a digest path', () => {
    for (const [dir, file] of [['79', `${hex}.cab`], ['78', 'passwd'], ['..', `${hex}.cab`], ['78', `${hex}.c/b`], ['78', `${hex}`], ['7', `${hex}.cab`]]) {
      assert.equal(parseContentPath(dir!, file!), null, `${dir}/${file}`);
    }
  });
});
