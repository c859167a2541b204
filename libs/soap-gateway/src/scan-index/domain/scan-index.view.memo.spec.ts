import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID, type ApprovalAction } from '#contracts';
import { Prng } from '#test-support';
import { describedScope, guid, ScanCatalogBuilder } from '../testing/scan-catalog.builder.js';
import { ScanIndexView } from './scan-index.view.js';

describe('scan index view memo (scopes and journal walks per catalog version)', () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`answers as a fresh view after every event, and keeps its scopes across membership and group events (seed ${seed})`, () => {
      const random = new Prng(seed * 104729);
      const next = (n: number): number => random.below(n);
      const catalog = new ScanCatalogBuilder();
      const { view } = catalog;
      const groups = [ALL_COMPUTERS_GROUP_ID, guid(9001), guid(9002)];
      catalog.group(guid(9001), 'a', null).group(guid(9002), 'b', guid(9001));
      const updates = Array.from({ length: 30 }, (_, i) => guid(100 + i));
      const category = guid(99);
      catalog.revision({ revisionId: 1, updateId: category, type: 'Category' });
      const revisionNumbers = new Map<string, number>();
      let revisionId = 2;
      let extraGroup = 0;
      const actions: ApprovalAction[] = ['Install', 'OptionalInstall', 'Block'];
      const groupSets = [[ALL_COMPUTERS_GROUP_ID], [ALL_COMPUTERS_GROUP_ID, guid(9001)], [...groups].sort()];
      let kept = 0;
      for (let step = 0; step < 200; step += 1) {
        const before = groupSets.map((set) => view.scope(set, { pass: 'software', policy: 'approved-only' }));
        const u = updates[next(updates.length)]!;
        const kind = next(10);
        let catalogEvent = true;
        if (kind < 2) {
          const number = (revisionNumbers.get(u) ?? 99) + 1;
          revisionNumbers.set(u, number);
          const other = updates[next(updates.length)]!;
          catalog.revision({ revisionId: revisionId++, updateId: u, revisionNumber: number, prerequisites: other === u ? [[category]] : [[category], [other]], bundled: next(4) === 0 && other !== u ? [other] : [] });
        } else if (kind < 4) catalog.approve(u, groups[next(groups.length)]!, actions[next(actions.length)]!);
        else if (kind === 4) catalog.removeApproval(u, groups[next(groups.length)]!);
        else if (kind === 5) {
          if (next(2) === 0) catalog.decline(u);
          else catalog.undecline(u);
        } else {
          // Events that move which scope a client gets, never a scope's content.
          catalogEvent = false;
          const which = next(3);
          if (which === 0) catalog.assign(`pc-${next(5)}`, groups[next(groups.length)]!);
          else if (which === 1) catalog.group(guid(9500 + extraGroup++), `g${extraGroup}`, guid(9001));
          else catalog.apply({ type: 'ComputerGroupRenamed', data: { groupId: guid(9001), name: `a${step}` } });
        }
        const fresh = new ScanIndexView(catalog.state);
        groupSets.forEach((set, i) => {
          const scope = view.scope(set, { pass: 'software', policy: 'approved-only' });
          assert.deepEqual(describedScope(scope), describedScope(fresh.scope(set, { pass: 'software', policy: 'approved-only' })), `step ${step}, groups ${set.join(',')}`);
          if (!catalogEvent) {
            assert.equal(scope, before[i], `step ${step}: a non-catalog event must keep the memoized scope`);
            kept += 1;
          }
          for (const since of [0, Math.floor(view.version / 2), view.version - 3, view.version - 1]) {
            if (since < 0) continue;
            const memo = view.changedUpdatesSince(set, since, Number.MAX_SAFE_INTEGER);
            const recomputed = fresh.changedUpdatesSince(set, since, Number.MAX_SAFE_INTEGER);
            assert.deepEqual([...memo!].sort(), [...recomputed!].sort(), `step ${step}, since ${since}`);
          }
        });
      }
      assert.ok(kept > 50, 'membership and group events happened and kept the memo');
    });
  }
});
