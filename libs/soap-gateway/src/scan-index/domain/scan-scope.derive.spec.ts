import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID, type ApprovalAction } from '#contracts';
import { Prng } from '#test-support';
import { describedEntry, describedScope, driverRow, guid, ScanCatalogBuilder } from '../testing/scan-catalog.builder.js';
import { computeScanScope, type ScanScope, type ScopeOptions } from './scan-scope.js';
import { scopePrerequisiteIndex } from './scope-prerequisite-index.js';
import type { ScanIndexState } from './scan-index.state.js';

/** The prerequisite index as revision ids, so two scopes' indexes compare whatever object holds them. */
function describedIndex(state: ScanIndexState, scope: ScanScope): string[] {
  const index = scopePrerequisiteIndex(state, scope);
  const ids = (positions: readonly number[]): string => positions.map((p) => scope.ordered[p]!.revision.revisionId).join(',');
  return [`*:${ids(index.unconditional)}`, ...[...index.byPrerequisite].map(([updateId, positions]) => `${updateId}:${ids(positions)}`).sort()];
}

const productA = guid(1);
const productB = guid(2);
const classification = guid(3);
const detectoidA = guid(4);
const detectoidB = guid(5);

describe('scopes derived after approvals (deriveScanScope through the view memo)', () => {
  for (const seed of [21, 22, 23, 24, 25, 26, 27, 28]) {
    it(`equal a fresh computation, index included, after every event, and keep what the event did not touch (seed ${seed})`, () => {
      const random = new Prng(seed * 7919);
      const next = (n: number): number => random.below(n);
      const catalog = new ScanCatalogBuilder();
      const { view, state } = catalog;
      const [parent, child, servers] = [guid(9001), guid(9002), guid(9003)];
      catalog.group(parent, 'workstations', null).group(child, 'pilot', parent).group(servers, 'servers', null);
      const groups = [ALL_COMPUTERS_GROUP_ID, parent, child, servers];
      catalog
        .revision({ revisionId: 1, updateId: productA, type: 'Category', categoryType: 'Product' })
        .revision({ revisionId: 2, updateId: productB, type: 'Category', categoryType: 'Product' })
        .revision({ revisionId: 3, updateId: classification, type: 'Category', categoryType: 'UpdateClassification' })
        .revision({ revisionId: 4, updateId: detectoidA, type: 'Detectoid', prerequisites: [[productA]] })
        .revision({ revisionId: 5, updateId: detectoidB, type: 'Detectoid', prerequisites: [[productB]] });
      const software = Array.from({ length: 40 }, (_, i) => guid(100 + i));
      const drivers = Array.from({ length: 6 }, (_, i) => guid(200 + i));
      const revisionNumbers = new Map<string, number>();
      let revisionId = 10;
      const importSoftware = (updateId: string): void => {
        const number = (revisionNumbers.get(updateId) ?? 99) + 1;
        revisionNumbers.set(updateId, number);
        const [detectoid, product] = next(2) === 0 ? [detectoidA, productA] : [detectoidB, productB];
        const other = software[next(software.length)]!;
        const prerequisites = next(3) === 0 && other !== updateId ? [[detectoid], [other, detectoidA]] : [[detectoid]];
        const bundled = next(5) === 0 && other !== updateId ? [other] : [];
        catalog.revision({ revisionId: revisionId++, updateId, revisionNumber: number, prerequisites, categoryIds: [product, classification], bundled });
      };
      for (const updateId of software) importSoftware(updateId);
      for (const updateId of drivers) catalog.revision({ revisionId: revisionId++, updateId, type: 'Driver', prerequisites: [[detectoidA]], drivers: [driverRow(`pci\\ven_${updateId.slice(-4)}`)] });

      const groupSets = [[ALL_COMPUTERS_GROUP_ID], [ALL_COMPUTERS_GROUP_ID, parent].sort(), [ALL_COMPUTERS_GROUP_ID, parent, child].sort(), [ALL_COMPUTERS_GROUP_ID, servers].sort()];
      const optionSets: ScopeOptions[] = [
        { pass: 'software', policy: 'approved-only' },
        { pass: 'software', policy: 'detect' },
        { pass: 'driver', policy: 'approved-only' },
        { pass: 'software', policy: 'approved-only', filterCategoryIds: new Set([productB]) },
      ];
      const actions: ApprovalAction[] = ['Install', 'OptionalInstall', 'Block', 'PreDeploymentCheck'];
      let untouchedKept = 0;
      let derived = 0;
      for (let step = 0; step < 250; step += 1) {
        const before = groupSets.map((set) => optionSets.map((options) => view.scope(set, options)));
        // Built before the event, so the derived scope's index is the carried one.
        for (const row of before) for (const scope of row) scopePrerequisiteIndex(state, scope);
        const all = [...software, ...drivers];
        const u = all[next(all.length)]!;
        const kind = next(20);
        let approvedIn: string | undefined;
        if (kind < 11) {
          approvedIn = groups[next(groups.length)]!;
          catalog.approve(u, approvedIn, actions[next(actions.length)]!, next(3) === 0 ? { deadline: `2026-12-0${1 + next(9)}T00:00:00Z` } : {});
        } else if (kind < 15) catalog.removeApproval(u, groups[next(groups.length)]!);
        else if (kind < 17 && software.includes(u)) importSoftware(u);
        else if (kind === 17) catalog.decline(u);
        else if (kind === 18) catalog.undecline(u);
        else catalog.assign(`pc-${next(4)}`, groups[next(groups.length)]!);

        groupSets.forEach((set, i) => {
          optionSets.forEach((options, j) => {
            const scope = view.scope(set, options);
            const fresh = computeScanScope(state, set, options);
            const where = `step ${step}, groups ${set.join(',')}, ${options.pass}/${options.policy}${options.filterCategoryIds ? '/filtered' : ''}`;
            assert.deepEqual(describedScope(scope), describedScope(fresh), where);
            // The lookups a call makes: every entry by revision id (a derived scope's overlay on its
            // predecessor's map), the paging order's ids, and the count.
            assert.deepEqual(fresh.revisionIds.map((id) => describedEntry(scope.byRevisionId.get(id))), describedScope(fresh), `${where}: entries by revision id`);
            assert.deepEqual(scope.revisionIds, fresh.revisionIds, `${where}: revision ids in paging order`);
            assert.equal(scope.byRevisionId.size, fresh.ordered.length, `${where}: entries by revision id, count`);
            assert.deepEqual(describedIndex(state, scope), describedIndex(state, fresh), `${where}: prerequisite index`);
            const previous = before[i]![j]!;
            if (approvedIn !== undefined && !set.includes(approvedIn)) {
              assert.equal(scope, previous, `${where}: an approval of another group must keep the scope`);
              untouchedKept += 1;
            }
            // A derived scope keeps the entries it did not change (a fresh one makes new ones).
            if (approvedIn !== undefined && scope !== previous && scope.ordered.some((entry) => previous.byRevisionId.get(entry.revision.revisionId) === entry)) derived += 1;
          });
        });
      }
      assert.ok(untouchedKept > 100, `approvals of other groups kept scopes (${untouchedKept})`);
      assert.ok(derived > 50, `approvals derived scopes from the previous ones (${derived})`);
    });
  }
});
