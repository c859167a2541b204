import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ALL_COMPUTERS_GROUP_ID as ALL,
  type CausationContext,
  CodedError,
  compareLogPositions,
  DEPLOYMENT_EVENTS,
  EventSchemaRegistry,
  METADATA_EVENTS,
  newEvent,
  UNASSIGNED_COMPUTERS_GROUP_ID as UNASSIGNED,
  updateApprovalStream,
  updateStream,
} from '#contracts';
import { EventStore, type SqlDatabase } from '#event-store';
import { createLogger } from '#platform';
import { DeploymentCommandService } from '../src/application/deployment-commands.service.js';
import { DeploymentQueryService } from '../src/application/deployment-queries.service.js';
import { DEPLOYMENT_MIGRATIONS } from '../src/projections/deployment.migrations.js';
import { catalogProjection } from '../src/projections/catalog.projection.js';
import { deploymentStateProjection } from '../src/projections/deployment-state.projection.js';

export interface StoreTarget {
  readonly name: string;
  readonly skip: false | string;
  /** Whether open() hands out a second, independent connection pool (a second replica). */
  readonly twoInstances: boolean;
  open(): Promise<{ db: SqlDatabase; cleanup: () => Promise<void>; second?: () => Promise<SqlDatabase> }>;
}

const ctx = (actor = 'admin:test'): CausationContext => ({
  correlationId: crypto.randomUUID(), causationId: null, traceparent: null, actor, now: () => new Date(), newId: () => crypto.randomUUID(),
});
const U = (n: number): string => `50000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const registry = (): EventSchemaRegistry => new EventSchemaRegistry([...DEPLOYMENT_EVENTS, ...METADATA_EVENTS]);
const silent = createLogger({ level: 'silent', instanceId: 'test', services: ['deployment'] });

/** Every table the state projection owns, in a comparable form. */
async function snapshot(db: SqlDatabase): Promise<unknown> {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    groups: await q('SELECT group_id, name, parent_group_id, built_in, version::text AS v FROM dep_groups ORDER BY group_id'),
    memberships: await q('SELECT computer_id, group_id, assigned_by FROM dep_memberships ORDER BY computer_id, group_id'),
    approvals: await q('SELECT update_id, group_id, revision_number, action, deadline::text AS d, deployment_id FROM dep_approvals ORDER BY update_id, group_id'),
    declines: await q('SELECT update_id FROM dep_declines ORDER BY update_id'),
    settings: await q('SELECT key, value FROM dep_settings ORDER BY key'),
    eulas: await q('SELECT eula_id, update_id, revision_number, accepted_by FROM dep_eula_acceptances ORDER BY eula_id'),
  };
}

/** The deployment service's store behaviour, held equal on PGlite and PostgreSQL. */
export function deploymentStoreContract(target: StoreTarget): void {
  describe(`deployment commands and projections on ${target.name}`, { skip: target.skip }, () => {
    let db: SqlDatabase;
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let second: (() => Promise<SqlDatabase>) | undefined;
    let commands: DeploymentCommandService;
    let queries: DeploymentQueryService;

    const importRevision = async (
      updateId: string,
      revisionNumber: number,
      supersededUpdateIds: string[] = [],
      extra: { eulaId?: string; bundled?: { updateId: string; revisionNumber: number }[] } = {},
    ): Promise<void> => {
      const result = await store.append(updateStream(updateId), [
        newEvent(ctx('test'), 'UpdateRevisionImported', 1, {
          revisionId: revisionNumber * 100 + Number(updateId.slice(-2)), updateId, revisionNumber, updateType: 'Software', title: 't',
          prerequisites: [], categoryIds: [], bundledRevisions: (extra.bundled ?? []).map((b) => [b]), supersededUpdateIds, files: [],
          eulaId: extra.eulaId ?? null, languages: [],
          coreXml: '<x/>', documentSha256: 'a'.repeat(64), source: 'imported',
        }),
      ], 'any');
      // On a shared PostgreSQL an older open transaction elsewhere delays readers: wait until final.
      const last = result.positions.at(-1)!;
      const deadline = Date.now() + 30_000;
      while (compareLogPositions(await store.head(), last) < 0) {
        if (Date.now() > deadline) throw new Error('import never became visible');
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    before(async () => {
      const opened = await target.open();
      ({ db, cleanup, second } = opened);
      store = await EventStore.open(db, { registry: registry(), migrations: DEPLOYMENT_MIGRATIONS });
      commands = new DeploymentCommandService(store, silent);
      await commands.onModuleInit();
      queries = new DeploymentQueryService(store);
    });
    after(async () => {
      await commands?.onModuleDestroy();
      await store?.close();
      await cleanup?.();
    });

    it('seeds the built-in groups once, however often the service starts', async () => {
      await commands.seedBuiltInGroups();
      const again = new DeploymentCommandService(store, silent);
      await again.onModuleInit();
      await again.onModuleDestroy();
      assert.deepEqual((await queries.groups()).map((g) => [g.id, g.builtIn]), [[ALL, true], [UNASSIGNED, true]]);
      // readAll returns only what no older transaction elsewhere on the cluster can still precede.
      await store.waitForVisibility();
      const created = (await store.readAll(undefined, { eventTypes: ['ComputerGroupCreated'] })).events;
      assert.equal(created.length, 2);
    });

    it('a command sees the previous command at once (applied in its own transaction)', async () => {
      const groupId = crypto.randomUUID();
      await commands.execute({ type: 'CreateGroup', groupId, name: 'Kiosks', parentId: ALL }, ctx());
      await assert.rejects(
        commands.execute({ type: 'CreateGroup', groupId: crypto.randomUUID(), name: 'kiosks', parentId: ALL }, ctx()),
        (e: unknown) => e instanceof CodedError && e.code === 'GROUP.NAME_TAKEN',
      );
      await commands.execute({ type: 'AssignComputer', computerId: 'k1', groupIds: [groupId] }, ctx());
      await assert.rejects(
        commands.execute({ type: 'DeleteGroup', groupId, moveMembersToUnassigned: false }, ctx()),
        (e: unknown) => e instanceof CodedError && e.code === 'GROUP.NOT_EMPTY',
      );
      assert.deepEqual((await queries.computerGroups('k1')).groupIds, [groupId]);
    });

    it('keeps its own catalog view from UpdateRevisionImported and allocates increasing deployment ids', async () => {
      await importRevision(U(1), 1);
      await importRevision(U(1), 4);
      await importRevision(U(2), 1, [U(1)]);
      const first = await commands.execute({ type: 'ApproveUpdate', updateId: U(1), groupId: ALL, action: 'Install', deadline: null }, ctx());
      assert.deepEqual(first.decision.warnings.map((w) => w.code), ['UPDATE.SUPERSEDED']);
      const ids = await Promise.all(
        [1, 2, 3, 4, 5].map(async () => {
          const groupId = crypto.randomUUID();
          await commands.execute({ type: 'CreateGroup', groupId, name: `g-${groupId}`, parentId: ALL }, ctx());
          await commands.execute({ type: 'ApproveUpdate', updateId: U(2), groupId, action: 'Install', deadline: null }, ctx());
          return (await queries.approvalsForUpdate(U(2))).approvals.find((a) => a.groupId === groupId)!.deploymentId;
        }),
      );
      assert.equal(new Set(ids).size, 5);
      const approval = (await queries.approvalsForUpdate(U(1))).approvals[0]!;
      assert.equal(approval.revisionNumber, 4);
      assert.ok(ids.every((id) => id > approval.deploymentId));
      const logged = (await store.readStream(updateApprovalStream(U(1)))).events[0]!;
      assert.equal((logged.data as { deploymentId: number }).deploymentId, approval.deploymentId);
      assert.equal(logged.metadata.actor, 'admin:test');
    });

    it('effective deployments per computer from the projection', async () => {
      const groupId = crypto.randomUUID();
      await commands.execute({ type: 'CreateGroup', groupId, name: 'Pilot', parentId: ALL }, ctx());
      await commands.execute({ type: 'AssignComputer', computerId: 'p1', groupIds: [groupId] }, ctx());
      await commands.execute({ type: 'ApproveUpdate', updateId: U(1), groupId, action: 'Uninstall', deadline: null }, ctx());
      const effective = await queries.effectiveDeployments('p1');
      assert.deepEqual(effective.deployments.map((d) => [d.updateId, d.action, d.groupId]), [[U(1), 'Uninstall', groupId]]);
      const elsewhere = await queries.effectiveDeployments('other');
      assert.deepEqual(elsewhere.deployments.map((d) => [d.updateId, d.action, d.groupId]), [[U(1), 'Install', ALL]]);
      await commands.execute({ type: 'DeclineUpdate', updateId: U(1) }, ctx());
      assert.deepEqual((await queries.effectiveDeployments('p1')).deployments, []);
    });

    it('the runner applies events other writers appended, and skips the ones commands applied', async () => {
      const groupId = '60000000-0000-4000-8000-000000000001';
      await store.append(`group-${groupId}`, [newEvent(ctx('sync'), 'ComputerGroupCreated', 1, { groupId, name: 'From upstream', parentGroupId: ALL, builtIn: false })], 'no-stream');
      const runner = store.projectionRunner(deploymentStateProjection);
      const deadline = Date.now() + 30_000;
      while (!(await queries.groups()).some((g) => g.id === groupId)) {
        if (Date.now() > deadline) throw new Error('runner never applied the foreign event');
        await runner.catchUp();
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal((await queries.group(groupId)).version, 1);
    });

    it('refuses an install approval of a bundle whose member\'s EULA nobody accepted; accepts it with the approval; keeps eula ids through a catalog rebuild', async () => {
      const eulaId = 'e1e1e1e1-0000-4000-8000-00000000e1e1';
      await importRevision(U(71), 3, [], { eulaId: eulaId.toUpperCase() });
      await importRevision(U(72), 1, [], { bundled: [{ updateId: U(71), revisionNumber: 3 }] });
      await assert.rejects(
        commands.execute({ type: 'ApproveUpdate', updateId: U(72), groupId: ALL, action: 'Install', deadline: null }, ctx()),
        (e: unknown) => e instanceof CodedError && e.code === 'EULA.NOT_ACCEPTED' && JSON.stringify(e.details).includes(U(71)),
      );
      assert.deepEqual((await queries.approvalsForUpdate(U(72))).approvals, []);
      const { decision } = await commands.execute({ type: 'ApproveUpdate', updateId: U(72), groupId: ALL, action: 'Install', deadline: null, acceptEula: true }, ctx('admin:carol'));
      assert.deepEqual(decision.events.map((e) => [e.streamId, e.event.type]), [[`eula-${eulaId}`, 'EulaAccepted'], [`approval-${U(72)}`, 'UpdateApproved']]);
      assert.deepEqual((await db.query('SELECT eula_id, update_id, revision_number, accepted_by FROM dep_eula_acceptances WHERE eula_id = $1', [eulaId])).rows, [
        { eula_id: eulaId, update_id: U(71), revision_number: 3, accepted_by: 'admin:carol' },
      ]);
      const again = await commands.execute({ type: 'AcceptEula', updateId: U(71) }, ctx());
      assert.deepEqual(again.decision.events, [], 'accepted once, for every update that carries it');
      // The member is now approved directly without any new acceptance.
      await commands.execute({ type: 'ApproveUpdate', updateId: U(71), groupId: ALL, action: 'Install', deadline: null }, ctx());

      const catalog = store.projectionRunner(catalogProjection);
      await catalog.rebuild();
      assert.deepEqual((await db.query('SELECT eula_id FROM dep_catalog_revisions WHERE update_id = $1', [U(71)])).rows, [{ eula_id: eulaId }]);
    });

    it('rebuilding the projection from the log gives the same tables', async () => {
      await commands.execute({ type: 'SetTargetingMode', mode: 'client-side' }, ctx());
      await commands.execute({ type: 'ResolveClientTargeting', computerId: 'c1', requestedGroupNames: ['pilot', 'missing'] }, ctx('computer:c1'));
      const pilot = (await queries.groups()).find((g) => g.name === 'Pilot')!;
      assert.deepEqual((await queries.computerGroups('c1')).groupIds, [pilot.id]);
      const kiosks = (await queries.groups()).find((g) => g.name === 'Kiosks')!;
      await commands.execute({ type: 'RenameGroup', groupId: kiosks.id, name: 'Kiosk PCs', expectedVersion: 1 }, ctx());
      await commands.execute({ type: 'DeleteGroup', groupId: kiosks.id, moveMembersToUnassigned: true, expectedVersion: 2 }, ctx());
      await store.waitForVisibility();
      const head = await store.head();
      const deadline = Date.now() + 30_000;
      const runner = store.projectionRunner(deploymentStateProjection);
      while (compareLogPositions(await runner.checkpoint(), head) < 0 && Date.now() < deadline) {
        await runner.catchUp();
        await new Promise((r) => setTimeout(r, 50));
      }
      const live = await snapshot(db);
      await runner.rebuild();
      assert.deepEqual(await snapshot(db), live);
    });

    it('two service instances never both take one sibling name (advisory write lock)', { skip: target.twoInstances ? false : 'PGlite has one connection: nothing runs concurrently' }, async () => {
      const otherDb = await second!();
      const otherStore = await EventStore.open(otherDb, { registry: registry(), migrations: DEPLOYMENT_MIGRATIONS });
      const other = new DeploymentCommandService(otherStore, silent);
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 === 0 ? commands : other).execute({ type: 'CreateGroup', groupId: crypto.randomUUID(), name: 'Race', parentId: ALL }, ctx()),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        assert.ok(results.every((r) => r.status === 'fulfilled' || (r.reason as CodedError).code === 'GROUP.NAME_TAKEN'));
      } finally {
        await otherStore.close();
      }
    });
  });
}
