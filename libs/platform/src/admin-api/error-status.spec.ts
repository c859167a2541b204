import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpStatusForCode } from './error-status.js';
import { parseIfMatchVersion } from './admin-api-validation.js';

describe('admin API error statuses', () => {
  it('maps codes by exact value, then by the reason suffix, else 409; non-codes are 500', () => {
    const cases: [string, number][] = [
      ['REQUEST.INVALID', 400], ['STREAM.VERSION_CONFLICT', 409], ['BUS.TIMEOUT', 504], ['BUS.NO_RESPONDER', 503], ['INTERNAL', 500],
      ['AUTH.UNAUTHORIZED', 401], ['AUTH.NOT_CONFIGURED', 401], ['PRECONDITION.FAILED', 412],
      ['GROUP.NOT_FOUND', 404], ['GROUP.PARENT_NOT_FOUND', 404], ['APPROVAL.DEADLINE_INVALID', 400], ['MEMBERSHIP.INVALID', 400],
      ['GROUP.VERSION_MISMATCH', 412], ['GROUP.NOT_EMPTY', 409], ['UPDATE.DECLINED', 409], ['GROUP.NOTFOUNDISH', 409],
      ['CONTENT.TOO_LARGE', 413], ['CONTENT.UNSUPPORTED_MEDIA_TYPE', 415], ['CONTENT.DIGEST_MISMATCH', 409], ['CONTENT.IN_USE', 409],
      ['not a code', 500], ['lower.case', 500],
    ];
    for (const [code, status] of cases) assert.equal(httpStatusForCode(code), status, code);
  });
  it('reads If-Match version ETags; absent or * is no precondition; anything else cannot match', () => {
    assert.equal(parseIfMatchVersion(undefined), undefined);
    assert.equal(parseIfMatchVersion('*'), undefined);
    assert.equal(parseIfMatchVersion('"3"'), 3);
    assert.equal(parseIfMatchVersion('W/"12"'), 12);
    assert.throws(() => parseIfMatchVersion('3'), { code: 'PRECONDITION.FAILED' });
    assert.throws(() => parseIfMatchVersion('"a"'), { code: 'PRECONDITION.FAILED' });
  });
});
