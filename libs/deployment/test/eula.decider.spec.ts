import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID as ALL, type CausationContext, CodedError, type NewEvent, newEvent } from '#contracts';
import { decide } from '../src/deployment.decider.js';
import type { DeploymentCommand } from '../src/domain/deployment.commands.js';
import { evolveAll } from '../src/domain/deployment.evolve.js';
import { BUILT_IN_GROUPS, EMPTY_STATE } from '../src/domain/deployment.state.js';

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
const eula = (n: number): string => `e0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ev = (type: string, data: unknown, actor = 'admin:test'): NewEvent => newEvent({ ...ctx, actor }, type, 1, data);

const builtIns = BUILT_IN_GROUPS.map((b) => ev('ComputerGroupCreated', { ...b, builtIn: true }));
const pilot = ev('ComputerGroupCreated', { groupId: g(1), name: 'Pilot', parentGroupId: ALL, builtIn: false });
const imported = (updateId: string, revisionNumber: number, eulaId: string | null, bundled: { updateId: string; revisionNumber: number }[] = []): NewEvent =>
  ev('UpdateRevisionImported', { updateId, revisionNumber, supersededUpdateIds: [], bundledRevisions: bundled.map((b) => [b]), eulaId });
const accepted = (eulaId: string, updateId: string, revisionNumber: number): NewEvent => ev('EulaAccepted', { eulaId, updateId, revisionNumber });
const approve = (updateId: string, extra: Partial<Extract<DeploymentCommand, { type: 'ApproveUpdate' }>> = {}): DeploymentCommand => ({
  type: 'ApproveUpdate', updateId, groupId: g(1), action: 'Install', deadline: null, deploymentId: 7, ...extra,
});
const approval = (updateId: string, revisionNumber: number, action = 'Install'): { streamId: string; type: string; data: unknown } => ({
  streamId: `approval-${updateId}`, type: 'UpdateApproved', data: { deploymentId: 7, updateId, revisionNumber, groupId: g(1), action, deadline: null },
});
const acceptance = (eulaId: string, updateId: string, revisionNumber: number): { streamId: string; type: string; data: unknown } => ({
  streamId: `eula-${eulaId}`, type: 'EulaAccepted', data: { eulaId, updateId, revisionNumber },
});

/** Given events, when a command, then events (stream, type, data) or a coded refusal. */
function given(...events: NewEvent[]) {
  const state = evolveAll(EMPTY_STATE, [...builtIns, pilot, ...events]);
  return {
    state,
    when: (command: DeploymentCommand) => ({
      then(expected: { streamId: string; type: string; data: unknown }[]): void {
        const decision = decide(command, state, ctx);
        assert.deepEqual(decision.events.map((e) => ({ streamId: e.streamId, type: e.event.type, data: e.event.data })), expected);
      },
      thenRefused(code: string, check?: (e: CodedError) => void): void {
        assert.throws(
          () => decide(command, state, ctx),
          (e: unknown) => {
            assert.ok(e instanceof CodedError, String(e));
            assert.equal(e.code, code);
            check?.(e);
            return true;
          },
        );
      },
    }),
  };
}

describe('EULA acceptance before an install approval', () => {
  it('refuses to approve for Install an update whose EULA is not accepted, naming the EULA', () => {
    given(imported(u(1), 100, eula(1)))
      .when(approve(u(1)))
      .thenRefused('EULA.NOT_ACCEPTED', (e) => assert.deepEqual((e.details as { eulas: unknown }).eulas, [{ eulaId: eula(1), updateId: u(1), revisionNumber: 100 }]));
    given(imported(u(1), 100, eula(1))).when(approve(u(1), { action: 'OptionalInstall' })).thenRefused('EULA.NOT_ACCEPTED');
  });

  it('approves once the EULA is accepted, recording nothing more', () => {
    given(imported(u(1), 100, eula(1)), accepted(eula(1), u(1), 100)).when(approve(u(1))).then([approval(u(1), 100)]);
  });

  it('accepts and approves in one decision when the approval says acceptEula (the console dialog)', () => {
    given(imported(u(1), 100, eula(1)))
      .when(approve(u(1), { acceptEula: true }))
      .then([acceptance(eula(1), u(1), 100), approval(u(1), 100)]);
  });

  it('needs no acceptance for Uninstall, the scan-only PreDeploymentCheck or Block', () => {
    given(imported(u(1), 100, eula(1))).when(approve(u(1), { action: 'Uninstall' })).then([approval(u(1), 100, 'Uninstall')]);
    given(imported(u(1), 100, eula(1))).when(approve(u(1), { action: 'PreDeploymentCheck' })).then([approval(u(1), 100, 'PreDeploymentCheck')]);
    given(imported(u(1), 100, eula(1))).when(approve(u(1), { action: 'Block' })).then([approval(u(1), 100, 'Block')]);
  });

  it('needs no acceptance for an update without a EULA, and acceptEula then records nothing', () => {
    given(imported(u(1), 100, null)).when(approve(u(1), { acceptEula: true })).then([approval(u(1), 100)]);
  });

  it('goes by the approved revision: a new revision with another EULA needs that one accepted', () => {
    const history = [imported(u(1), 100, eula(1)), accepted(eula(1), u(1), 100), imported(u(1), 101, eula(2))];
    given(...history).when(approve(u(1))).thenRefused('EULA.NOT_ACCEPTED');
    given(...history).when(approve(u(1), { revisionNumber: 100 })).then([approval(u(1), 100)]);
  });

  it('treats a EULA accepted through another update as accepted (EULAs are keyed by EulaID)', () => {
    given(imported(u(1), 100, eula(1)), imported(u(2), 100, eula(1)), accepted(eula(1), u(2), 100)).when(approve(u(1))).then([approval(u(1), 100)]);
  });

  it('compares EulaIDs without regard to case', () => {
    given(imported(u(1), 100, eula(1).toUpperCase()), accepted(eula(1), u(1), 100)).when(approve(u(1))).then([approval(u(1), 100)]);
  });
});

describe('bundles and EULAs', () => {
  const bundle = [imported(u(10), 100, eula(1)), imported(u(11), 200, null), imported(u(1), 300, null, [{ updateId: u(10), revisionNumber: 100 }, { updateId: u(11), revisionNumber: 200 }])];

  it('refuses a bundle whose member has an unaccepted EULA: approving the bundle installs the member', () => {
    given(...bundle)
      .when(approve(u(1)))
      .thenRefused('EULA.NOT_ACCEPTED', (e) => assert.deepEqual((e.details as { eulas: unknown }).eulas, [{ eulaId: eula(1), updateId: u(10), revisionNumber: 100 }]));
  });

  it('accepts the members\' EULAs with the bundle approval', () => {
    given(...bundle).when(approve(u(1), { acceptEula: true })).then([acceptance(eula(1), u(10), 100), approval(u(1), 300)]);
  });

  it('follows bundles of bundles and names each EULA once', () => {
    given(
      imported(u(20), 1, eula(3)),
      imported(u(21), 1, eula(3)),
      imported(u(10), 1, eula(4), [{ updateId: u(20), revisionNumber: 1 }, { updateId: u(21), revisionNumber: 1 }]),
      imported(u(1), 1, null, [{ updateId: u(10), revisionNumber: 1 }]),
    )
      .when({ type: 'AcceptEula', updateId: u(1) })
      .then([acceptance(eula(4), u(10), 1), acceptance(eula(3), u(20), 1)]);
  });
});

describe('AcceptEula', () => {
  it('accepts the latest revision\'s EULA', () => {
    given(imported(u(1), 100, eula(1)), imported(u(1), 101, eula(2))).when({ type: 'AcceptEula', updateId: u(1) }).then([acceptance(eula(2), u(1), 101)]);
  });
  it('accepts a named revision\'s EULA', () => {
    given(imported(u(1), 100, eula(1)), imported(u(1), 101, eula(2))).when({ type: 'AcceptEula', updateId: u(1), revisionNumber: 100 }).then([acceptance(eula(1), u(1), 100)]);
  });
  it('is no change when the EULA is accepted already', () => {
    given(imported(u(1), 100, eula(1)), accepted(eula(1), u(1), 100)).when({ type: 'AcceptEula', updateId: u(1) }).then([]);
  });
  it('refuses an update without a EULA, an unknown update and an unknown revision', () => {
    given(imported(u(1), 100, null)).when({ type: 'AcceptEula', updateId: u(1) }).thenRefused('EULA.NOT_FOUND');
    given().when({ type: 'AcceptEula', updateId: u(9) }).thenRefused('UPDATE.NOT_FOUND');
    given(imported(u(1), 100, eula(1))).when({ type: 'AcceptEula', updateId: u(1), revisionNumber: 5 }).thenRefused('UPDATE.REVISION_NOT_FOUND');
  });
  it('keeps who accepted and when in the state (the first acceptance stands)', () => {
    const { state } = given(imported(u(1), 100, eula(1)), ev('EulaAccepted', { eulaId: eula(1), updateId: u(1), revisionNumber: 100 }, 'admin:alice'), accepted(eula(1), u(1), 100));
    assert.deepEqual(state.acceptedEulas.get(eula(1)), { eulaId: eula(1), updateId: u(1), revisionNumber: 100, acceptedAt: NOW.toISOString(), acceptedBy: 'admin:alice' });
  });
});
