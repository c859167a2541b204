import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID, type ApprovalAction } from '#contracts';
import { Prng } from '#test-support';
import { guid, ScanCatalogBuilder } from '../testing/scan-catalog.builder.js';

describe('scan index change journal (changedUpdatesSince)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`answers exactly what changedSince answers per update, for every anchor and group set (seed ${seed})`, () => {
      const random = new Prng(seed * 7919);
      const next = (n: number): number => random.below(n);
      const catalog = new ScanCatalogBuilder();
      const groups = [ALL_COMPUTERS_GROUP_ID, guid(9001), guid(9002), guid(9003)];
      catalog.group(guid(9001), 'a', null).group(guid(9002), 'b', guid(9001)).group(guid(9003), 'c', null);
      const updates = Array.from({ length: 24 }, (_, i) => guid(100 + i));
      const revisionNumbers = new Map<string, number>();
      let revisionId = 1;
      const actions: ApprovalAction[] = ['Install', 'OptionalInstall', 'Block', 'Uninstall'];
      for (let step = 0; step < 160; step += 1) {
        const u = updates[next(updates.length)]!;
        switch (next(7)) {
          case 0:
          case 1: {
            const number = (revisionNumbers.get(u) ?? 99) + 1;
            revisionNumbers.set(u, number);
            const others = updates.filter((x) => x !== u);
            const bundled = next(3) === 0 ? [others[next(others.length)]!, others[next(others.length)]!] : [];
            const prerequisites = next(3) === 0 ? [[others[next(others.length)]!]] : [];
            catalog.revision({ revisionId: revisionId++, updateId: u, revisionNumber: number, bundled: [...new Set(bundled)], prerequisites, type: next(6) === 0 ? 'Detectoid' : 'Software' });
            break;
          }
          case 2:
          case 3:
            catalog.approve(u, groups[next(groups.length)]!, actions[next(actions.length)]!);
            break;
          case 4:
            catalog.removeApproval(u, groups[next(groups.length)]!);
            break;
          case 5:
            catalog.decline(u);
            break;
          default:
            catalog.undecline(u);
        }
      }
      const { view } = catalog;
      const groupSets = [[ALL_COMPUTERS_GROUP_ID], [ALL_COMPUTERS_GROUP_ID, guid(9001), guid(9002)], [ALL_COMPUTERS_GROUP_ID, guid(9003)], groups];
      let compared = 0;
      for (let since = 0; since <= view.version; since += 1) {
        for (const set of groupSets) {
          const changed = view.changedUpdatesSince(set, since, Number.MAX_SAFE_INTEGER);
          assert.ok(changed !== undefined);
          for (const u of updates) {
            assert.equal(changed.has(u), view.changedSince(u, set, since), `update ${u}, groups ${set.join(',')}, since ${since} of ${view.version}`);
            compared += 1;
          }
        }
      }
      assert.ok(compared > 10_000);
    });
  }

  it('answers undefined past the budget and an empty set at the current version', () => {
    const catalog = new ScanCatalogBuilder();
    for (let i = 0; i < 10; i += 1) catalog.revision({ revisionId: i + 1, updateId: guid(200 + i) });
    assert.equal(catalog.view.changedUpdatesSince([ALL_COMPUTERS_GROUP_ID], 0, 5), undefined);
    assert.equal(catalog.view.changedUpdatesSince([ALL_COMPUTERS_GROUP_ID], 0, 10)?.size, 10);
    assert.equal(catalog.view.changedUpdatesSince([ALL_COMPUTERS_GROUP_ID], catalog.view.version, 0)?.size, 0);
  });
});
