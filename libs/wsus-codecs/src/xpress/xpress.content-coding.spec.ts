import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { acceptsXpressEncoding } from './xpress.content-coding.js';

describe('acceptsXpressEncoding (MS-WUSP §2.1)', () => {
  const cases: ReadonlyArray<{ header: string | readonly string[] | undefined; accepts: boolean; why: string }> = [
    { header: 'xpress', accepts: true, why: 'what native WUA sends' },
    { header: 'gzip, xpress', accepts: true, why: 'one coding among several' },
    { header: ' XPRESS ', accepts: true, why: 'codings are case-insensitive' },
    { header: 'xpress;q=0.5', accepts: true, why: 'any positive weight' },
    { header: 'xpress; q=0', accepts: false, why: 'q=0 means not acceptable' },
    { header: 'xpress;q=zero', accepts: false, why: 'an unreadable weight is not a request' },
    { header: '*', accepts: false, why: 'only an explicit request counts' },
    { header: 'xpressive, gzip', accepts: false, why: 'whole tokens only' },
    { header: '', accepts: false, why: 'empty header' },
    { header: undefined, accepts: false, why: 'no header' },
    { header: ['gzip', 'xpress'], accepts: true, why: 'repeated header lines' },
  ];
  for (const { header, accepts, why } of cases) {
    it(`${JSON.stringify(header)} → ${accepts} (${why})`, () => {
      assert.equal(acceptsXpressEncoding(header), accepts);
    });
  }
});
