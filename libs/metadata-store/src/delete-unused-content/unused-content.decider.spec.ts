import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideUnusedFiles, decideUnusedUploads, liveSha1s } from './unused-content.decider.js';

const A = 'h/W9BGlYUAaqXTp30cZi/SiV3c0=';
const B = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const C = 'qUqP5cyxm6YcTAhz05Hph5gvu9M=';

describe('decideUnusedFiles', () => {
  it('given a file named by an expired and a live revision, when deciding, then it stays', () => {
    assert.deepEqual(decideUnusedFiles([{ revisionId: 1, sha1: A, live: false }, { revisionId: 2, sha1: A, live: true }]), []);
  });

  it('given a file named only by expired revisions, then it goes, with those revisions sorted', () => {
    assert.deepEqual(decideUnusedFiles([{ revisionId: 7, sha1: B, live: false }, { revisionId: 3, sha1: B, live: false }, { revisionId: 4, sha1: A, live: true }]), [
      { sha1: B, revisionIds: [3, 7] },
    ]);
  });

  it('decides by SHA-1 whatever the spelling: a non-canonical digest of a live revision still keeps the file', () => {
    // Same 20 bytes, without padding.
    assert.deepEqual(decideUnusedFiles([{ revisionId: 1, sha1: A, live: false }, { revisionId: 2, sha1: A.replace(/=$/, ''), live: true }]), []);
  });

  it('ignores what is not a SHA-1, and sorts what goes by digest', () => {
    assert.deepEqual(
      decideUnusedFiles([
        { revisionId: 1, sha1: 'junk', live: false },
        { revisionId: 2, sha1: C, live: false },
        { revisionId: 3, sha1: B, live: false },
      ]).map((f) => f.sha1),
      [B, C],
    );
  });
});

describe('decideUnusedUploads', () => {
  const cutoff = new Date('2026-10-01T00:00:00.000Z');
  const old = '2026-09-01T00:00:00.000Z';

  it('given uploads older than the cut-off, then those no live revision uses go, the others stay', () => {
    const uploads = [
      { sha256: 'b'.repeat(64), sha1: A, uploadedAt: old },
      { sha256: 'a'.repeat(64), sha1: B, uploadedAt: old },
      { sha256: 'c'.repeat(64), sha1: C, uploadedAt: '2026-10-02T00:00:00.000Z' },
      { sha256: 'd'.repeat(64), sha1: null, uploadedAt: old },
    ];
    const live = liveSha1s([{ revisionId: 1, sha1: A, live: true }, { revisionId: 2, sha1: B, live: false }]);
    assert.deepEqual(
      decideUnusedUploads(uploads, live, cutoff).map((u) => u.sha256),
      ['a'.repeat(64), 'd'.repeat(64)],
      'B is used by an expired revision only; d has no record (never usable); c is newer than the cut-off; A is live',
    );
  });
});
