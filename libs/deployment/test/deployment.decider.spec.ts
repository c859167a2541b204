import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALL_COMPUTERS_GROUP_ID as ALL,
  type CausationContext,
  CodedError,
  type NewEvent,
  newEvent,
  UNASSIGNED_COMPUTERS_GROUP_ID as UNASSIGNED,
} from '#contracts';
import { decide } from '../src/deployment.decider.js';
import type { DeploymentCommand } from '../src/domain/deployment.commands.js';
import { evolveAll } from '../src/domain/deployment.evolve.js';
import { BUILT_IN_GROUPS, type DeploymentState, EMPTY_STATE } from '../src/domain/deployment.state.js';
import { effectiveDeployments } from '../src/domain/effective-deployments.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
let ids = 0;
const ctx: CausationContext = {
  correlationId: '00000000-0000-4000-8000-000000000000',
  causationId: null,
  traceparent: null,
  actor: 'admin:test',
  now: () => NOW,
  newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
};
const g = (n: number): string => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const u = (n: number): string => `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ev = (type: string, data: unknown): NewEvent => newEvent(ctx, type, 1, data);

const builtIns = BUILT_IN_GROUPS.map((b) => ev('ComputerGroupCreated', { ...b, builtIn: true }));
const created = (id: string, name: string, parentGroupId: string = ALL): NewEvent => ev('ComputerGroupCreated', { groupId: id, name, parentGroupId, builtIn: false });
const imported = (updateId: string, revisionNumber = 1, extra: Partial<{ supersededUpdateIds: string[]; bundledRevisions: { updateId: string; revisionNumber: number }[][] }> = {}): NewEvent =>
  ev('UpdateRevisionImported', { updateId, revisionNumber, supersededUpdateIds: extra.supersededUpdateIds ?? [], bundledRevisions: extra.bundledRevisions ?? [] });
const approved = (updateId: string, groupId: string, action = 'Install', deploymentId = 1, deadline: string | null = null, revisionNumber = 1): NewEvent =>
  ev('UpdateApproved', { deploymentId, updateId, revisionNumber, groupId, action, deadline });
const assigned = (computerId: string, groupIds: string[]): NewEvent => ev('ComputerAssignedToGroups', { computerId, groupIds, by: 'admin' });

/** Given events, when a command, then events (type + data, and stream) or a coded error. */
function given(...events: NewEvent[]): {
  when(command: DeploymentCommand): { then(expected: { streamId: string; type: string; data: unknown }[]): void; thenRefused(code: string): void; warnings(): string[] };
  state: DeploymentState;
} {
  const state = evolveAll(EMPTY_STATE, [...builtIns, ...events]);
  return {
    state,
    when: (command) => ({
      then(expected) {
        const decision = decide(command, state, ctx);
        assert.deepEqual(
          decision.events.map((e) => ({ streamId: e.streamId, type: e.event.type, data: e.event.data })),
          expected,
        );
      },
      thenRefused(code) {
        assert.throws(() => decide(command, state, ctx), (e: unknown) => e instanceof CodedError && e.code === code);
      },
      warnings: () => decide(command, state, ctx).warnings.map((w) => w.code),
    }),
  };
}

describe('computer groups', () => {
  it('creates a group under All Computers', () => {
    given().when({ type: 'CreateGroup', groupId: g(1), name: ' Servers ', parentId: ALL }).then([
      { streamId: `group-${g(1)}`, type: 'ComputerGroupCreated', data: { groupId: g(1), name: 'Servers', parentGroupId: ALL, builtIn: false } },
    ]);
  });
  it('creates a nested group and allows the same name under another parent', () => {
    given(created(g(1), 'Servers'), created(g(2), 'Desktops'))
      .when({ type: 'CreateGroup', groupId: g(3), name: 'Servers', parentId: g(2) })
      .then([{ streamId: `group-${g(3)}`, type: 'ComputerGroupCreated', data: { groupId: g(3), name: 'Servers', parentGroupId: g(2), builtIn: false } }]);
  });
  it('refuses a sibling name that differs only in case', () => {
    given(created(g(1), 'Servers')).when({ type: 'CreateGroup', groupId: g(2), name: 'SERVERS', parentId: ALL }).thenRefused('GROUP.NAME_TAKEN');
  });
  it('refuses a missing parent and a child of Unassigned Computers', () => {
    given().when({ type: 'CreateGroup', groupId: g(2), name: 'x', parentId: g(9) }).thenRefused('GROUP.PARENT_NOT_FOUND');
    given().when({ type: 'CreateGroup', groupId: g(2), name: 'x', parentId: UNASSIGNED }).thenRefused('GROUP.PARENT_NOT_ALLOWED');
  });
  it('renames, refuses built-ins, stale versions and clashing names; same name is no change', () => {
    const history = given(created(g(1), 'Servers'), created(g(2), 'Desktops'));
    history.when({ type: 'RenameGroup', groupId: g(1), name: 'Prod servers', expectedVersion: 1 }).then([
      { streamId: `group-${g(1)}`, type: 'ComputerGroupRenamed', data: { groupId: g(1), name: 'Prod servers' } },
    ]);
    history.when({ type: 'RenameGroup', groupId: g(1), name: 'servers' }).then([
      { streamId: `group-${g(1)}`, type: 'ComputerGroupRenamed', data: { groupId: g(1), name: 'servers' } },
    ]);
    history.when({ type: 'RenameGroup', groupId: g(1), name: 'Servers' }).then([]);
    history.when({ type: 'RenameGroup', groupId: g(1), name: 'desktops' }).thenRefused('GROUP.NAME_TAKEN');
    history.when({ type: 'RenameGroup', groupId: g(1), name: 'x', expectedVersion: 2 }).thenRefused('GROUP.VERSION_MISMATCH');
    history.when({ type: 'RenameGroup', groupId: ALL, name: 'Everyone' }).thenRefused('GROUP.BUILT_IN');
    history.when({ type: 'RenameGroup', groupId: g(7), name: 'x' }).thenRefused('GROUP.NOT_FOUND');
  });
  it('never deletes a built-in group, a group with children, or a group with members unless asked to move them', () => {
    const history = given(created(g(1), 'Servers'), created(g(2), 'Web', g(1)), created(g(3), 'Lab'), assigned('pc1', [g(3)]));
    history.when({ type: 'DeleteGroup', groupId: UNASSIGNED, moveMembersToUnassigned: true }).thenRefused('GROUP.BUILT_IN');
    history.when({ type: 'DeleteGroup', groupId: g(1), moveMembersToUnassigned: true }).thenRefused('GROUP.HAS_CHILDREN');
    history.when({ type: 'DeleteGroup', groupId: g(3), moveMembersToUnassigned: false }).thenRefused('GROUP.NOT_EMPTY');
    history.when({ type: 'DeleteGroup', groupId: g(2), moveMembersToUnassigned: false }).then([
      { streamId: `group-${g(2)}`, type: 'ComputerGroupDeleted', data: { groupId: g(2) } },
    ]);
  });
  it('moving members on delete keeps their other groups, else Unassigned, and removes the group approvals first', () => {
    given(created(g(1), 'A'), created(g(2), 'B'), imported(u(1)), approved(u(1), g(1)), assigned('pc1', [g(1)]), assigned('pc2', [g(1), g(2)]))
      .when({ type: 'DeleteGroup', groupId: g(1), moveMembersToUnassigned: true })
      .then([
        { streamId: 'membership-pc1', type: 'ComputerAssignedToGroups', data: { computerId: 'pc1', groupIds: [UNASSIGNED], by: 'admin' } },
        { streamId: 'membership-pc2', type: 'ComputerAssignedToGroups', data: { computerId: 'pc2', groupIds: [g(2)], by: 'admin' } },
        { streamId: `approval-${u(1)}`, type: 'UpdateApprovalRemoved', data: { updateId: u(1), groupId: g(1) } },
        { streamId: `group-${g(1)}`, type: 'ComputerGroupDeleted', data: { groupId: g(1) } },
      ]);
  });
});

describe('membership and targeting', () => {
  it('assigns a computer; the same set again is no change; [] means Unassigned', () => {
    const history = given(created(g(1), 'A'), created(g(2), 'B'));
    history.when({ type: 'AssignComputer', computerId: 'pc1', groupIds: [g(2), g(1), g(1)] }).then([
      { streamId: 'membership-pc1', type: 'ComputerAssignedToGroups', data: { computerId: 'pc1', groupIds: [g(1), g(2)], by: 'admin' } },
    ]);
    history.when({ type: 'AssignComputer', computerId: 'pc1', groupIds: [] }).then([]);
    given(created(g(1), 'A'), assigned('pc1', [g(1)])).when({ type: 'AssignComputer', computerId: 'pc1', groupIds: [g(1)] }).then([]);
  });
  it('refuses All Computers, Unassigned with others, unknown groups, and client-side mode', () => {
    const history = given(created(g(1), 'A'));
    history.when({ type: 'AssignComputer', computerId: 'pc1', groupIds: [ALL] }).thenRefused('MEMBERSHIP.INVALID');
    history.when({ type: 'AssignComputer', computerId: 'pc1', groupIds: [UNASSIGNED, g(1)] }).thenRefused('MEMBERSHIP.INVALID');
    history.when({ type: 'AssignComputer', computerId: 'pc1', groupIds: [g(9)] }).thenRefused('GROUP.NOT_FOUND');
    given(created(g(1), 'A'), ev('TargetingModeChanged', { mode: 'client-side' }))
      .when({ type: 'AssignComputer', computerId: 'pc1', groupIds: [g(1)] })
      .thenRefused('TARGETING.CLIENT_SIDE_MODE');
  });
  it('client-side targeting maps names case-insensitively, ignores unknown names, else Unassigned; only changes are recorded', () => {
    const clientSide = ev('TargetingModeChanged', { mode: 'client-side' });
    const history = given(created(g(1), 'Servers'), created(g(2), 'Ring 1'), created(g(3), 'servers', g(2)), clientSide);
    history.when({ type: 'ResolveClientTargeting', computerId: 'pc1', requestedGroupNames: ['SERVERS', 'nope'] }).then([
      { streamId: 'membership-pc1', type: 'ComputerAssignedToGroups', data: { computerId: 'pc1', groupIds: [g(1), g(3)], by: 'client-side-targeting' } },
    ]);
    history.when({ type: 'ResolveClientTargeting', computerId: 'pc1', requestedGroupNames: ['nope', 'All Computers'] }).then([]);
    given(created(g(1), 'Servers'), clientSide, assigned('pc1', [g(1)]))
      .when({ type: 'ResolveClientTargeting', computerId: 'pc1', requestedGroupNames: ['unknown'] })
      .then([{ streamId: 'membership-pc1', type: 'ComputerAssignedToGroups', data: { computerId: 'pc1', groupIds: [UNASSIGNED], by: 'client-side-targeting' } }]);
    given(created(g(1), 'Servers'), clientSide, assigned('pc1', [g(1)]))
      .when({ type: 'ResolveClientTargeting', computerId: 'pc1', requestedGroupNames: ['servers'] })
      .then([]);
  });
  it('server-side mode ignores what the client asks for', () => {
    given(created(g(1), 'Servers')).when({ type: 'ResolveClientTargeting', computerId: 'pc1', requestedGroupNames: ['Servers'] }).then([]);
  });
  it('sets the targeting mode once', () => {
    given().when({ type: 'SetTargetingMode', mode: 'client-side' }).then([{ streamId: 'server-configuration', type: 'TargetingModeChanged', data: { mode: 'client-side' } }]);
    given().when({ type: 'SetTargetingMode', mode: 'server-side' }).then([]);
  });
});

describe('approvals and declines', () => {
  const approve = (over: Partial<Extract<DeploymentCommand, { type: 'ApproveUpdate' }>> = {}): DeploymentCommand => ({
    type: 'ApproveUpdate', updateId: u(1), groupId: g(1), action: 'Install', deadline: null, deploymentId: 7, ...over,
  });
  const base = [created(g(1), 'A'), imported(u(1), 1), imported(u(1), 3)];
  it('approves the latest revision with the allocated deployment id', () => {
    given(...base).when(approve({ deadline: '2026-06-02T00:00:00+02:00' })).then([
      { streamId: `approval-${u(1)}`, type: 'UpdateApproved', data: { deploymentId: 7, updateId: u(1), revisionNumber: 3, groupId: g(1), action: 'Install', deadline: '2026-06-01T22:00:00.000Z' } },
    ]);
  });
  it('refuses unknown updates, revisions and groups, declined updates, past deadlines, deadlines on other actions, Block on All Computers', () => {
    const history = given(...base);
    history.when(approve({ updateId: u(9) })).thenRefused('UPDATE.NOT_FOUND');
    history.when(approve({ revisionNumber: 2 })).thenRefused('UPDATE.REVISION_NOT_FOUND');
    history.when(approve({ groupId: g(9) })).thenRefused('GROUP.NOT_FOUND');
    history.when(approve({ deadline: NOW.toISOString() })).thenRefused('APPROVAL.DEADLINE_INVALID');
    history.when(approve({ action: 'OptionalInstall', deadline: '2027-01-01T00:00:00Z' })).thenRefused('APPROVAL.DEADLINE_INVALID');
    history.when(approve({ action: 'Block', groupId: ALL })).thenRefused('APPROVAL.ACTION_INVALID');
    given(...base, ev('UpdateDeclined', { updateId: u(1) })).when(approve()).thenRefused('UPDATE.DECLINED');
  });
  it('the same approval again is no change; a different one replaces it', () => {
    const history = given(...base, approved(u(1), g(1), 'Install', 1, null, 3));
    history.when(approve()).then([]);
    assert.equal(history.when(approve({ action: 'Uninstall' })).warnings().length, 0);
  });
  it('approving a superseded update is allowed with a warning', () => {
    const history = given(...base, imported(u(2), 1, { supersededUpdateIds: [u(1)] }));
    assert.deepEqual(history.when(approve()).warnings(), ['UPDATE.SUPERSEDED']);
  });
  it('removes an approval, refuses a missing one', () => {
    given(...base, approved(u(1), g(1))).when({ type: 'RemoveApproval', updateId: u(1), groupId: g(1) }).then([
      { streamId: `approval-${u(1)}`, type: 'UpdateApprovalRemoved', data: { updateId: u(1), groupId: g(1) } },
    ]);
    given(...base).when({ type: 'RemoveApproval', updateId: u(1), groupId: g(1) }).thenRefused('APPROVAL.NOT_FOUND');
  });
  it('declining removes every approval first; declining twice and undeclining an undeclined update change nothing', () => {
    const history = given(...base, created(g(2), 'B'), approved(u(1), g(2)), approved(u(1), g(1)));
    history.when({ type: 'DeclineUpdate', updateId: u(1) }).then([
      { streamId: `approval-${u(1)}`, type: 'UpdateApprovalRemoved', data: { updateId: u(1), groupId: g(1) } },
      { streamId: `approval-${u(1)}`, type: 'UpdateApprovalRemoved', data: { updateId: u(1), groupId: g(2) } },
      { streamId: `approval-${u(1)}`, type: 'UpdateDeclined', data: { updateId: u(1) } },
    ]);
    given(...base, ev('UpdateDeclined', { updateId: u(1) })).when({ type: 'DeclineUpdate', updateId: u(1) }).then([]);
    given(...base, ev('UpdateDeclined', { updateId: u(1) })).when({ type: 'UndeclineUpdate', updateId: u(1) }).then([
      { streamId: `approval-${u(1)}`, type: 'UpdateUndeclined', data: { updateId: u(1) } },
    ]);
    given(...base).when({ type: 'UndeclineUpdate', updateId: u(1) }).then([]);
    given().when({ type: 'DeclineUpdate', updateId: u(1) }).thenRefused('UPDATE.NOT_FOUND');
  });
});

describe('effective deployments', () => {
  const tree = [created(g(1), 'Servers'), created(g(2), 'Web', g(1)), created(g(3), 'Lab'), imported(u(1)), imported(u(2)), imported(u(3))];
  const effective = (...events: NewEvent[]) => (computerId: string) =>
    effectiveDeployments(evolveAll(EMPTY_STATE, [...builtIns, ...tree, ...events]), computerId).map((d) => `${d.updateId.slice(-1)}:${d.action}@${d.groupId.slice(-1)}`);

  it('All Computers applies to everyone, including unassigned computers', () => {
    assert.deepEqual(effective(approved(u(1), ALL))('nobody'), ['1:Install@1'.replace('@1', `@${ALL.slice(-1)}`)]);
  });
  it('a child group inherits its ancestors’ approvals and its own beats them', () => {
    const get = effective(assigned('pc', [g(2)]), approved(u(1), g(1), 'Install', 1), approved(u(2), g(1), 'Install', 2), approved(u(2), g(2), 'Uninstall', 3));
    assert.deepEqual(get('pc'), ['1:Install@1', '2:Uninstall@2']);
  });
  it('Block stops inheritance on its chain only', () => {
    const events = [approved(u(1), g(1), 'Install', 1), approved(u(1), g(2), 'Block', 2)];
    assert.deepEqual(effective(assigned('pc', [g(2)]), ...events)('pc'), []);
    assert.deepEqual(effective(assigned('pc', [g(2), g(3)]), ...events, approved(u(1), g(3), 'OptionalInstall', 3))('pc'), ['1:OptionalInstall@3']);
  });
  it('across groups Install beats Uninstall, and the earliest deadline wins among equals', () => {
    const get = effective(
      assigned('pc', [g(2), g(3)]),
      approved(u(1), g(2), 'Uninstall', 1),
      approved(u(1), g(3), 'Install', 2),
      approved(u(2), g(2), 'Install', 3, '2026-09-01T00:00:00.000Z'),
      approved(u(2), g(3), 'Install', 4, '2026-07-01T00:00:00.000Z'),
      approved(u(3), g(2), 'Install', 5, null),
      approved(u(3), g(3), 'Install', 6, '2026-12-01T00:00:00.000Z'),
    );
    assert.deepEqual(get('pc'), ['1:Install@3', '2:Install@3', '3:Install@3']);
  });
  it('declined updates have no effective deployment; an approved bundle carries its members', () => {
    const state = evolveAll(EMPTY_STATE, [
      ...builtIns, ...tree,
      imported(u(4), 1, { bundledRevisions: [[{ updateId: u(5), revisionNumber: 2 }]] }),
      approved(u(4), ALL, 'Install', 9),
      approved(u(1), ALL, 'Install', 1),
      ev('UpdateDeclined', { updateId: u(1) }),
    ]);
    const result = effectiveDeployments(state, 'pc');
    assert.deepEqual(result.map((d) => [d.updateId, d.revisionNumber, d.deploymentId, d.viaBundleUpdateId]), [
      [u(4), 1, 9, null],
      [u(5), 2, 9, u(4)],
    ]);
  });
});
