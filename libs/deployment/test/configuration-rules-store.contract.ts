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
  updateStream,
} from '#contracts';
import { EventStore, type SqlDatabase } from '#event-store';
import { createLogger } from '#platform';
import { DeploymentCommandService } from '../src/application/deployment-commands.service.js';
import { DeploymentQueryService } from '../src/application/deployment-queries.service.js';
import { autoApprovalProcessManager } from '../src/approval-rules/apply-approval-rules.js';
import { DEPLOYMENT_MIGRATIONS } from '../src/projections/deployment.migrations.js';
import { deploymentStateProjection } from '../src/projections/deployment-state.projection.js';
import type { StoreTarget } from './deployment-store.contract.js';

const ctx = (actor = 'admin:test'): CausationContext => ({
  correlationId: crypto.randomUUID(), causationId: null, traceparent: null, actor, now: () => new Date(), newId: () => crypto.randomUUID(),
});
const U = (n: number): string => `80000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CLASSIFICATION = '80000000-0000-4000-8000-0000000000c1';
const registry = (): EventSchemaRegistry => new EventSchemaRegistry([...DEPLOYMENT_EVENTS, ...METADATA_EVENTS]);
const silent = createLogger({ level: 'silent', instanceId: 'test', services: ['deployment'] });
const settings = {
  role: 'autonomous-downstream', upstreamServerUrl: 'https://up.test', syncSchedule: { mode: 'manual' }, rollup: 'summary',
  productIds: [], classificationIds: [CLASSIFICATION], languages: ['en'], contentMode: 'store-content', contentBaseUrl: null,
};

/** Configuration and rule projections and the rule process manager, held equal on PGlite and PostgreSQL. */
export function configurationRulesStoreContract(target: StoreTarget): void {
  describe(`configuration, rules and the rule process manager on ${target.name}`, { skip: target.skip }, () => {
    let db: SqlDatabase;
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let second: (() => Promise<SqlDatabase>) | undefined;
    let commands: DeploymentCommandService;
    let queries: DeploymentQueryService;
    let revisionIds = 0;

    const importRevision = async (updateId: string, revisionNumber = 1): Promise<void> => {
      const result = await store.append(updateStream(updateId), [
        newEvent(ctx('sync'), 'UpdateRevisionImported', 1, {
          revisionId: (revisionIds += 1), updateId, revisionNumber, updateType: 'Software', title: 't',
          prerequisites: [[CLASSIFICATION]], categoryIds: [CLASSIFICATION], bundledRevisions: [], supersededUpdateIds: [], files: [], eulaId: null, languages: [],
          coreXml: '<x/>', documentSha256: 'a'.repeat(64), source: 'synced',
        }),
      ], 'any');
      const last = result.positions.at(-1)!;
      const deadline = Date.now() + 30_000;
      while (compareLogPositions(await store.head(), last) < 0) {
        if (Date.now() > deadline) throw new Error('import never became visible');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const approvedEvents = async (): Promise<{ updateId: string; groupId: string; actor: string | null }[]> => {
      await store.waitForVisibility();
      return (await store.readAll(undefined, { eventTypes: ['UpdateApproved'], limit: 10_000 })).events.map((e) => ({
        ...(e.data as { updateId: string; groupId: string }),
        actor: e.metadata.actor,
      }));
    };
    const waitFor = async (what: string, done: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
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

    it('stores the configuration with the stream version; a refused change leaves table and version untouched', async () => {
      await commands.execute({ type: 'ConfigureServer', settings, expectedVersion: 0 }, ctx());
      const stored = await queries.configuration();
      assert.equal(stored.version, 1);
      assert.equal(stored.role, 'autonomous-downstream');
      const rows = async (): Promise<unknown> => (await db.query('SELECT settings, changed_at::text AS at FROM dep_configuration')).rows;
      const before = await rows();
      await assert.rejects(
        commands.execute({ type: 'ConfigureServer', settings: { ...settings, role: 'root' } }, ctx()),
        (e: unknown) => e instanceof CodedError && e.code === 'CONFIGURATION.INVALID',
      );
      await assert.rejects(
        commands.execute({ type: 'ConfigureServer', settings: { ...settings, rollup: 'detailed' }, expectedVersion: 0 }, ctx()),
        (e: unknown) => e instanceof CodedError && e.code === 'CONFIGURATION.VERSION_MISMATCH',
      );
      assert.deepEqual(await rows(), before);
      assert.deepEqual(await queries.configuration(), stored);
    });

    it('rules: a rule approves arriving revisions exactly once, whichever instance runs the process manager', async () => {
      const groupId = crypto.randomUUID();
      await commands.execute({ type: 'CreateGroup', groupId, name: 'Ring 1', parentId: ALL }, ctx());
      const ruleId = crypto.randomUUID();
      await commands.execute({ type: 'CreateApprovalRule', ruleId, definition: { name: 'Security', classificationIds: [CLASSIFICATION], groupIds: [groupId, ALL] } }, ctx());
      let other: DeploymentCommandService | undefined;
      let otherStore: EventStore | undefined;
      if (target.twoInstances) {
        otherStore = await EventStore.open(await second!(), { registry: registry(), migrations: DEPLOYMENT_MIGRATIONS });
        other = new DeploymentCommandService(otherStore, silent);
        await other.onModuleInit();
      }
      try {
        for (let n = 1; n <= 12; n += 1) await importRevision(U(n));
        await waitFor('24 approvals', async () => (await approvedEvents()).filter((a) => a.updateId.startsWith('80000000')).length >= 24);
        await new Promise((r) => setTimeout(r, 300));
        const approved = (await approvedEvents()).filter((a) => a.updateId.startsWith('80000000'));
        assert.equal(approved.length, 24, JSON.stringify(approved));
        assert.equal(new Set(approved.map((a) => `${a.updateId}/${a.groupId}`)).size, 24);
        assert.ok(approved.every((a) => a.actor === `rule:${ruleId}`));
        const handled = (await db.query<{ n: string }>("SELECT count(*)::text AS n FROM dep_auto_approved_revisions WHERE update_id LIKE '80000000%'")).rows[0]!.n;
        assert.equal(handled, '12');
      } finally {
        await other?.onModuleDestroy();
        await otherStore?.close();
      }
    });

    it('replaying the process manager from zero approves nothing again (an approval removed since stays removed)', async () => {
      const groupId = (await queries.groups()).find((g) => g.name === 'Ring 1')!.id;
      await commands.execute({ type: 'RemoveApproval', updateId: U(1), groupId }, ctx());
      const before = (await approvedEvents()).length;
      const replay = store.projectionRunner(autoApprovalProcessManager(commands, () => undefined));
      await replay.rebuild();
      assert.equal((await approvedEvents()).length, before);
      assert.deepEqual((await queries.approvalsForUpdate(U(1))).approvals.map((a) => a.groupId), [ALL]);
    });

    it('rebuilding the state projection gives the same configuration and rules', async () => {
      const ruleId = (await queries.approvalRules())[0]!.id;
      await commands.execute({ type: 'ChangeApprovalRule', ruleId, changes: { enabled: false, deadlineOffsetDays: 5 } }, ctx());
      const other = crypto.randomUUID();
      await commands.execute({ type: 'CreateApprovalRule', ruleId: other, definition: { name: 'Gone', groupIds: [ALL] } }, ctx());
      await commands.execute({ type: 'DeleteApprovalRule', ruleId: other }, ctx());
      const snapshot = async (): Promise<unknown> => ({
        configuration: (await db.query('SELECT settings, changed_by FROM dep_configuration')).rows,
        rules: (await db.query('SELECT rule_id, name, enabled, classification_ids, product_ids, group_ids, action, deadline_offset_days, changed_by FROM dep_approval_rules ORDER BY rule_id')).rows,
      });
      const live = await snapshot();
      const runner = store.projectionRunner(deploymentStateProjection);
      // The head readers see: wait until it covers the commands above (another database's open transaction holds it back).
      await store.waitForVisibility();
      const head = await store.head();
      await waitFor('state runner at head', async () => {
        await runner.catchUp();
        return compareLogPositions(await runner.checkpoint(), head) >= 0;
      });
      await runner.rebuild();
      assert.deepEqual(await snapshot(), live);
      assert.equal((await queries.approvalRules())[0]!.enabled, false);
    });
  });
}
