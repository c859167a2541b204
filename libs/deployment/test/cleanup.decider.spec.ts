import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID as ALL, type CausationContext, CodedError, DEFAULT_RETENTION_SETTINGS, type NewEvent, newEvent } from '#contracts';
import { cleanupRunsFrom, decideCleanupClaim, dueCleanupSlot } from '../src/cleanup/cleanup-runs.js';
import { decideUpdateExpiry, type ExpiryCatalog, updateExpiryEvents } from '../src/cleanup/expire-updates.decider.js';
import { decide } from '../src/deployment.decider.js';
import type { DeploymentCommand } from '../src/domain/deployment.commands.js';
import { evolveAll } from '../src/domain/deployment.evolve.js';
import { BUILT_IN_GROUPS, type DeploymentState, EMPTY_STATE } from '../src/domain/deployment.state.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const ctx: CausationContext = {
  correlationId: '00000000-0000-4000-8000-000000000000', causationId: null, traceparent: null, actor: 'admin:test', now: () => NOW, newId: () => crypto.randomUUID(),
};
const u = (n: number): string => `a0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const g = (n: number): string => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const RUN = 'f0000000-0000-4000-8000-000000000001';
const settings = { ...DEFAULT_RETENTION_SETTINGS, supersededUpdateDays: 30, declinedUpdateDays: 10 };
const catalog = (c: Partial<ExpiryCatalog>): ExpiryCatalog => ({ declinedAt: new Map(), expired: new Set(), approvedGroups: new Map(), supersedence: [], ...c });
const expire = (c: Partial<ExpiryCatalog>) => decideUpdateExpiry(catalog(c), NOW, settings).map((e) => `${e.updateId}:${e.reason}`);

describe('cleanup: which updates expire', () => {
  it('given an update superseded 30 days ago by a live update, when cleanup runs, then it expires (not at 29 days)', () => {
    assert.deepEqual(expire({ supersedence: [{ updateId: u(1), supersededBy: u(2), since: daysAgo(30) }] }), [`${u(1)}:superseded`]);
    assert.deepEqual(expire({ supersedence: [{ updateId: u(1), supersededBy: u(2), since: daysAgo(29) }] }), []);
  });

  it('given the superseding update is declined or expired, then it replaces nothing', () => {
    const supersedence = [{ updateId: u(1), supersededBy: u(2), since: daysAgo(90) }];
    assert.deepEqual(expire({ supersedence, declinedAt: new Map([[u(2), NOW.toISOString()]]) }), []);
    assert.deepEqual(expire({ supersedence, expired: new Set([u(2)]) }), []);
  });

  it('given a superseded update still approved, then it expires only when a replacement is approved too, and its approvals go with it', () => {
    const supersedence = [{ updateId: u(1), supersededBy: u(2), since: daysAgo(40) }];
    assert.deepEqual(expire({ supersedence, approvedGroups: new Map([[u(1), [ALL]]]) }), []);
    const [expiry] = decideUpdateExpiry(catalog({ supersedence, approvedGroups: new Map([[u(1), [g(2), ALL]], [u(2), [ALL]]]) }), NOW, settings);
    assert.deepEqual(expiry, { updateId: u(1), reason: 'superseded', supersededBy: [u(2)], removedApprovalGroupIds: [ALL, g(2)].sort(), declines: true });
  });

  it('given updates declined 10 days ago and 9 days ago, then only the first expires, and it is not declined again', () => {
    const result = decideUpdateExpiry(catalog({ declinedAt: new Map([[u(1), daysAgo(10)], [u(2), daysAgo(9)]]) }), NOW, settings);
    assert.deepEqual(result, [{ updateId: u(1), reason: 'declined', supersededBy: [], removedApprovalGroupIds: [], declines: false }]);
  });

  it('given an update already expired, then nothing happens to it again', () => {
    assert.deepEqual(
      expire({ expired: new Set([u(1)]), declinedAt: new Map([[u(1), daysAgo(99)]]), supersedence: [{ updateId: u(1), supersededBy: u(2), since: daysAgo(99) }] }),
      [],
    );
  });

  it('then the events: approvals removed, declined, expired, on the update approval stream', () => {
    const [expiry] = decideUpdateExpiry(
      catalog({ supersedence: [{ updateId: u(1), supersededBy: u(2), since: daysAgo(40) }], approvedGroups: new Map([[u(1), [ALL]], [u(2), [ALL]]]) }),
      NOW,
      settings,
    );
    const events = updateExpiryEvents([expiry!], RUN, ctx).map((e) => ({ streamId: e.streamId, type: e.event.type, data: e.event.data }));
    assert.deepEqual(events, [
      { streamId: `approval-${u(1)}`, type: 'UpdateApprovalRemoved', data: { updateId: u(1), groupId: ALL } },
      { streamId: `approval-${u(1)}`, type: 'UpdateDeclined', data: { updateId: u(1) } },
      { streamId: `approval-${u(1)}`, type: 'UpdateExpired', data: { updateId: u(1), reason: 'superseded', runId: RUN, supersededBy: [u(2)] } },
    ]);
  });
});

describe('cleanup: an expired update stays retired', () => {
  const ev = (type: string, data: unknown): NewEvent => newEvent(ctx, type, 1, data);
  const imported = ev('UpdateRevisionImported', {
    revisionId: 1, updateId: u(1), revisionNumber: 100, updateType: 'Software', title: 't', prerequisites: [], categoryIds: [], bundledRevisions: [],
    supersededUpdateIds: [], files: [], eulaId: null, languages: [], coreXml: '<x/>', documentSha256: 'a'.repeat(64), source: 'synced',
  });
  const state: DeploymentState = evolveAll(EMPTY_STATE, [
    ...BUILT_IN_GROUPS.map((b) => ev('ComputerGroupCreated', { ...b, builtIn: true })),
    imported,
    ev('UpdateDeclined', { updateId: u(1) }),
    ev('UpdateExpired', { updateId: u(1), reason: 'declined', runId: RUN, supersededBy: [] }),
  ]);
  const refused = (command: DeploymentCommand, code: string): void => {
    assert.throws(() => decide(command, state, ctx), (e: unknown) => e instanceof CodedError && e.code === code);
  };
  it('given an expired update, when an admin approves it, then UPDATE.EXPIRED', () => {
    refused({ type: 'ApproveUpdate', updateId: u(1), groupId: ALL, action: 'Install', deadline: null, deploymentId: 1 }, 'UPDATE.EXPIRED');
  });
  it('given an expired update, when an admin un-declines it, then UPDATE.EXPIRED', () => {
    refused({ type: 'UndeclineUpdate', updateId: u(1) }, 'UPDATE.EXPIRED');
  });
});

describe('cleanup: a removed computer leaves its groups', () => {
  it('given a computer in a group, when ComputerRemoved (reporting\'s cleanup event) is folded in, then it is back to Unassigned Computers', () => {
    const ev = (type: string, data: unknown): NewEvent => newEvent(ctx, type, 1, data);
    const group = g(7);
    const before = evolveAll(EMPTY_STATE, [
      ...BUILT_IN_GROUPS.map((b) => ev('ComputerGroupCreated', { ...b, builtIn: true })),
      ev('ComputerGroupCreated', { groupId: group, name: 'Lab', parentGroupId: ALL, builtIn: false }),
      ev('ComputerAssignedToGroups', { computerId: 'pc-1', groupIds: [group], by: 'admin' }),
    ]);
    assert.deepEqual(before.memberships.get('pc-1'), [group]);
    const after = evolveAll(before, [ev('ComputerRemoved', { computerId: 'pc-1', reason: 'stale', lastContactAt: null, runId: RUN })]);
    assert.equal(after.memberships.has('pc-1'), false);
  });
});

describe('cleanup: retention settings in the configuration', () => {
  const base = {
    role: 'root', syncSchedule: { mode: 'manual' }, rollup: 'summary', productIds: [], classificationIds: [], languages: [], contentMode: 'store-content',
  };
  const configure = (retention: unknown): DeploymentCommand => ({ type: 'ConfigureServer', settings: { ...base, retention } });
  const state = evolveAll(EMPTY_STATE, []);
  it('given the defaults, when an admin changes one period, then RetentionSettingsChanged carries the whole retention', () => {
    const events = decide(configure({ declinedUpdateDays: 7 }), state, ctx).events.filter((e) => e.event.type === 'RetentionSettingsChanged');
    assert.deepEqual(events.map((e) => [e.streamId, e.event.data]), [['server-configuration', { ...DEFAULT_RETENTION_SETTINGS, declinedUpdateDays: 7 }]]);
  });
  it('given the same retention again, then no event', () => {
    const events = decide(configure({ ...DEFAULT_RETENTION_SETTINGS }), state, ctx).events.filter((e) => e.event.type === 'RetentionSettingsChanged');
    assert.deepEqual(events, []);
  });
  for (const [retention, path] of [
    [{ schedule: 'weekly' }, 'retention.schedule'],
    [{ schedule: 'daily 25:00' }, 'retention.schedule'],
    [{ supersededUpdateDays: 0 }, 'retention.supersededUpdateDays'],
    [{ staleComputerDays: 1.5 }, 'retention.staleComputerDays'],
    [{ reportEventDays: '90' }, 'retention.reportEventDays'],
    [{ keepForever: true }, 'retention'],
  ] as const) {
    it(`given ${JSON.stringify(retention)}, then CONFIGURATION.INVALID naming ${path}`, () => {
      assert.throws(() => decide(configure(retention), state, ctx), (e: unknown) => {
        assert.ok(e instanceof CodedError && e.code === 'CONFIGURATION.INVALID', String(e));
        const issues = (e.details as { issues: { path: string }[] }).issues;
        assert.ok(issues.some((i) => i.path === path), JSON.stringify(issues));
        return true;
      });
    });
  }
});

describe('cleanup: the claim and the schedule', () => {
  const started = (runId: string, at: string, slot: string | null = null) => ({
    type: 'CleanupRunStarted', data: { runId, trigger: slot ? 'schedule' : 'manual', dryRun: false, slot, settings }, metadata: { occurredAt: at, actor: 'admin:test' },
  });
  const completed = (runId: string, at: string) => ({
    type: 'CleanupRunCompleted', data: { runId, dryRun: false, outcome: 'completed', counts: { expiredSupersededUpdates: 1, expiredDeclinedUpdates: 0, removedApprovals: 0 }, expiredUpdateIds: [u(1)], error: null },
    metadata: { occurredAt: at, actor: 'admin:test' },
  });
  const R = (n: number): string => `f0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('given a run started a minute ago and not completed, when another asks, then CLEANUP.ALREADY_RUNNING', () => {
    const runs = cleanupRunsFrom([started(R(1), new Date(NOW.getTime() - 60_000).toISOString())], NOW);
    assert.throws(() => decideCleanupClaim(runs, { trigger: 'manual', slot: null }), (e: unknown) => e instanceof CodedError && e.code === 'CLEANUP.ALREADY_RUNNING');
  });
  it('given a run that started an hour ago and never completed (its process died), then it is abandoned and a new run may start', () => {
    const runs = cleanupRunsFrom([started(R(1), daysAgo(1 / 24))], NOW);
    assert.equal(runs[0]!.status, 'abandoned');
    assert.equal(decideCleanupClaim(runs, { trigger: 'manual', slot: null }), 'claim');
  });
  it('given a completed run for the 03:00 slot, when the scheduler (or a second replica) asks for that slot, then it is skipped', () => {
    const slot = '2026-06-01T03:00:00.000Z';
    const runs = cleanupRunsFrom([started(R(1), slot, slot), completed(R(1), slot)], NOW);
    assert.deepEqual(runs.map((r) => [r.status, r.counts.expiredSupersededUpdates]), [['completed', 1]]);
    assert.equal(decideCleanupClaim(runs, { trigger: 'schedule', slot }), 'slot-taken');
    assert.equal(decideCleanupClaim(runs, { trigger: 'schedule', slot: '2026-06-02T03:00:00.000Z' }), 'claim');
  });
  it('the slot due: the latest HH:MM at or before now, within an hour; none when off', () => {
    assert.equal(dueCleanupSlot('daily 03:00', new Date('2026-06-01T03:00:00.000Z')), '2026-06-01T03:00:00.000Z');
    assert.equal(dueCleanupSlot('daily 03:00', new Date('2026-06-01T03:59:00.000Z')), '2026-06-01T03:00:00.000Z');
    assert.equal(dueCleanupSlot('daily 03:00', new Date('2026-06-01T04:00:00.000Z')), null);
    assert.equal(dueCleanupSlot('daily 23:30', new Date('2026-06-02T00:10:00.000Z')), '2026-06-01T23:30:00.000Z');
    assert.equal(dueCleanupSlot('daily 03:00', new Date('2026-06-01T02:59:00.000Z')), null);
    assert.equal(dueCleanupSlot('off', new Date('2026-06-01T03:00:00.000Z')), null);
  });
});
