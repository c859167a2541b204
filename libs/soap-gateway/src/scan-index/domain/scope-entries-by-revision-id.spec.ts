import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RevisionEntry } from './scan-index.state.js';
import type { ScopeEntry, ScopeKind } from './scan-scope.js';
import { ScopeEntriesByRevisionId } from './scope-entries-by-revision-id.js';

const entry = (revisionId: number, kind: ScopeKind = 'approved'): ScopeEntry => ({ revision: { revisionId } as RevisionEntry, kind, isLeaf: true });
const kinds = (lookup: ScopeEntriesByRevisionId<ScopeEntry>, ids: readonly number[]): (string | undefined)[] => ids.map((id) => lookup.get(id)?.kind);

describe('ScopeEntriesByRevisionId', () => {
  const base = Array.from({ length: 64 }, (_, i) => entry(i + 1, 'evaluate'));

  it('finds the entries it was made of, and nothing else', () => {
    const lookup = ScopeEntriesByRevisionId.of(base);
    assert.equal(lookup.size, 64);
    assert.equal(lookup.get(7), base[6]);
    assert.equal(lookup.has(64), true);
    assert.equal(lookup.get(65), undefined);
    assert.equal(lookup.has(0), false);
  });

  it('adds and replaces in a new lookup, leaving the one it came from as it was', () => {
    const first = ScopeEntriesByRevisionId.of(base);
    // Two changes on 64 entries stay an overlay (under the flattening share).
    const second = first.with([entry(3, 'approved'), entry(100, 'bundle')]);
    assert.deepEqual(kinds(second, [3, 4, 100, 101]), ['approved', 'evaluate', 'bundle', undefined]);
    assert.equal(second.size, 65);
    assert.deepEqual(kinds(first, [3, 100]), ['evaluate', undefined]);
    assert.equal(first.size, 64);
    // A derivation of a derivation sees both changes; replacing an added entry does not count it twice.
    const third = second.with([entry(100, 'approved'), entry(5, 'approved')]);
    assert.deepEqual(kinds(third, [3, 5, 100]), ['approved', 'approved', 'approved']);
    assert.equal(third.size, 65);
    assert.deepEqual(kinds(second, [5, 100]), ['evaluate', 'bundle']);
  });

  it('is the same lookup after enough changes to be flattened into one map', () => {
    let lookup = ScopeEntriesByRevisionId.of(base);
    const expected = new Map(base.map((e) => [e.revision.revisionId, e.kind as string]));
    for (let round = 0; round < 10; round += 1) {
      const changes = [entry(1 + ((round * 7) % 64), 'approved'), entry(200 + round, 'bundle'), entry(300 + round, 'detect')];
      lookup = lookup.with(changes);
      for (const change of changes) expected.set(change.revision.revisionId, change.kind);
      assert.equal(lookup.size, expected.size, `round ${round}`);
      for (const [id, kind] of expected) assert.equal(lookup.get(id)?.kind, kind, `round ${round}, revision ${id}`);
      assert.equal(lookup.has(999), false);
    }
  });

  describe('of a large scope (answered from a bit set)', () => {
    // Every third id from 5 on: neighbours of members are not members.
    const large = Array.from({ length: 600 }, (_, i) => entry(5 + 3 * i, 'evaluate'));
    const members = new Set(large.map((e) => e.revision.revisionId));
    const probes = [...Array.from({ length: 1900 }, (_, i) => i), 1794, 1795, 1796, 4_000_000];

    it('has every member and nothing else, whatever number is asked', () => {
      const lookup = ScopeEntriesByRevisionId.of(large);
      for (const id of probes) assert.equal(lookup.has(id), members.has(id), `revision ${id}`);
      for (const odd of [-1, -32, 8.5, 5.0000001, Number.NaN, Infinity, -Infinity, 2 ** 32 + 5, 2 ** 53]) assert.equal(lookup.has(odd), false, `${odd}`);
    });

    it('carries the bit set into a derived lookup, with additions past the largest id and without touching the first', () => {
      const first = ScopeEntriesByRevisionId.of(large);
      assert.equal(first.has(8), true); // the bit set is made now, before the derivation
      const second = first.with([entry(6, 'approved'), entry(70_001, 'bundle'), entry(8, 'approved')]);
      const expected = new Set([...members, 6, 70_001]);
      for (const id of [...probes, 70_000, 70_001, 70_002]) assert.equal(second.has(id), expected.has(id), `revision ${id}`);
      assert.equal(second.size, 602);
      assert.equal(first.has(6), false);
      assert.equal(first.has(70_001), false);
      // Made lazily on a derived lookup whose predecessor never made one: the same answers.
      const fresh = ScopeEntriesByRevisionId.of(large).with([entry(6, 'approved'), entry(70_001, 'bundle')]);
      for (const id of [...probes, 70_001]) assert.equal(fresh.has(id), expected.has(id), `lazily, revision ${id}`);
    });
  });
});
