import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UpdateRevisionImportedData } from '#contracts';
import { decideImport, evolveImportState, initialImportState, sha1Of } from './import-update.decider.js';

const imported = (revisionId: number, revisionNumber: number, documentSha256: string) => ({
  type: 'UpdateRevisionImported',
  data: { revisionId, revisionNumber, documentSha256 } as UpdateRevisionImportedData,
});
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

describe('import-update decider', () => {
  it('given no revisions, a document is new', () => {
    assert.deepEqual(decideImport(initialImportState, 200, SHA_A), { kind: 'new' });
  });

  it('given the same revision with the same document, it is unchanged and keeps its RevisionID', () => {
    const state = evolveImportState(initialImportState, imported(7, 200, SHA_A));
    assert.deepEqual(decideImport(state, 200, SHA_A), {
      kind: 'unchanged',
      revision: { revisionId: 7, revisionNumber: 200, documentSha256: SHA_A },
    });
  });

  it('given the same revision with another document, it is a conflict naming the existing revision', () => {
    const state = evolveImportState(initialImportState, imported(7, 200, SHA_A));
    const decision = decideImport(state, 200, SHA_B);
    assert.equal(decision.kind, 'conflict');
    assert.equal(decision.kind === 'conflict' && decision.revision.revisionId, 7);
  });

  it('given another revision number of the same update, it is new', () => {
    const state = evolveImportState(initialImportState, imported(7, 200, SHA_A));
    assert.deepEqual(decideImport(state, 201, SHA_B), { kind: 'new' });
  });

  it('ignores other event types and keeps the first import of a revision number', () => {
    let state = evolveImportState(initialImportState, { type: 'SomethingElse', data: {} });
    assert.equal(state.revisions.size, 0);
    state = evolveImportState(state, imported(7, 200, SHA_A));
    state = evolveImportState(state, imported(9, 200, SHA_B));
    assert.equal(state.revisions.get(200)?.revisionId, 7);
  });

  it('finds the SHA-1 in Digest or, failing that, in an AdditionalDigest', () => {
    const base = { fileName: 'a.cab', size: 1, modified: undefined, sha256Base64: undefined, patchingType: undefined, isEncrypted: false };
    assert.equal(sha1Of({ ...base, digest: { algorithm: 'SHA1', base64: 'X', hex: '' }, additionalDigests: [] }), 'X');
    assert.equal(
      sha1Of({ ...base, digest: { algorithm: 'SHA256', base64: 'Y', hex: '' }, additionalDigests: [{ algorithm: 'SHA1', base64: 'Z', hex: '' }] }),
      'Z',
    );
    assert.equal(sha1Of({ ...base, digest: { algorithm: 'MD5', base64: 'Y', hex: '' }, additionalDigests: [] }), undefined);
  });
});
