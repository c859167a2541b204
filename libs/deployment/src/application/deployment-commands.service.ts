import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { approvalRuleStream, type CausationContext, CodedError, groupStream, SERVER_CONFIGURATION_STREAM, type NewEvent, newEvent } from '#contracts';
import type { EventStore, ExpectedVersion, ProjectionRunner, SqlExecutor } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger } from '#platform';
import { applyRulesToUpdate, autoApprovalProcessManager, loadCategoryParents, type RuleApplication } from '../approval-rules/apply-approval-rules.js';
import { type RuleCandidate, ruleMatches, withAncestors } from '../approval-rules/rule-matching.js';
import { decide } from '../deployment.decider.js';
import { DeploymentErrors } from '../domain/deployment.errors.js';
import { ruleCatalogProjection } from '../projections/rule-catalog.projection.js';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { BUILT_IN_GROUPS, type DeploymentState } from '../domain/deployment.state.js';
import type { Decision } from '../domain/decision.js';
import { catalogProjection } from '../projections/catalog.projection.js';
import { applyDeploymentEvent, deploymentStateProjection } from '../projections/deployment-state.projection.js';
import { loadRules, loadState, type StateScope } from './load-state.js';

interface StreamEventLike {
  readonly streamId: string;
  readonly event: NewEvent;
}

/** ApproveUpdate as callers send it: the deployment id is allocated here. */
export type DeploymentRequest =
  | Exclude<DeploymentCommand, { type: 'ApproveUpdate' }>
  | Omit<Extract<DeploymentCommand, { type: 'ApproveUpdate' }>, 'deploymentId'>;

export interface CommandOutcome {
  readonly decision: Decision;
  /** The state the decision was made on. */
  readonly before: DeploymentState;
}

/**
 * Every write of the deployment service goes through here, in one transaction: take the service's
 * advisory lock (commands of all replicas are serialised, so rules that span streams — unique
 * sibling names, "no members left behind" — hold), load the slice of state from the projection,
 * decide, append, and fold the new events into the projection before commit. The next command
 * therefore always decides on everything committed before it.
 */
@Injectable()
export class DeploymentCommandService implements OnModuleInit, OnModuleDestroy {
  /** Arbitrary, fixed: names the deployment service's write lock in pg_advisory_xact_lock. */
  static readonly WRITE_LOCK_KEY = 7_102_534_961;
  private readonly runners: ProjectionRunner[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const onError = (error: unknown, projection: string): void => this.logger.error({ err: error, projection }, 'projection batch failed');
    this.runners.push(this.store.projectionRunner(catalogProjection, { onError }));
    this.runners.push(this.store.projectionRunner(deploymentStateProjection, { onError }));
    this.runners.push(this.store.projectionRunner(ruleCatalogProjection, { onError }));
    // Approvals made in a runner's batch are visible after its commit; followers in this process are
    // told a moment later (and poll regardless), since the runner owns the transaction.
    const notifyLater = (): void => void setTimeout(() => this.store.notifyAppended(), 25);
    // Small batches: a batch that approves holds the service's write lock until it commits, and admin
    // commands wait for it; 50 revisions keep that wait short during a large sync.
    this.runners.push(this.store.projectionRunner(autoApprovalProcessManager(this, notifyLater), { onError, batchSize: 50 }));
    // The catalog and state views must be current before the first command; the rule views follow in
    // the background, so a first start on a large catalog does not wait for them (a run catches up).
    for (const [i, runner] of this.runners.entries()) {
      if (i < 2) await runner.catchUp();
      runner.start();
    }
    await this.seedBuiltInGroups();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  /** Lets a command see catalog events that reached the log just now (an import a moment ago). */
  async catchUpCatalog(): Promise<void> {
    await this.runners[0]?.catchUp();
  }

  /**
   * A rule on demand, over every update in the catalog (enabled or not: the admin asked). Each
   * approval is its own command, so a long run never holds the write lock for long.
   */
  async runApprovalRule(ruleId: string, caller: CausationContext): Promise<RuleApplication[]> {
    await this.runners[0]?.catchUp();
    await this.runners[2]?.catchUp();
    const rule = (await loadRules(this.store.db)).get(ruleId);
    if (!rule) throw new CodedError(DeploymentErrors.RuleNotFound, `rule ${ruleId} does not exist`);
    const parents = await loadCategoryParents(this.store.db);
    const rows = await this.store.db.query<{ update_id: string; update_type: string; category_ids: string[] }>(
      "SELECT update_id, update_type, category_ids FROM dep_rule_candidates WHERE update_type IN ('Software', 'Driver') ORDER BY update_id",
    );
    const results: RuleApplication[] = [];
    for (const row of rows.rows) {
      const candidate: RuleCandidate = { updateId: row.update_id, updateType: row.update_type, categoryIds: withAncestors(row.category_ids, parents) };
      if (!ruleMatches(rule, candidate)) continue;
      const applied = await this.store.db.transaction((tx) =>
        applyRulesToUpdate(tx, this, [rule], candidate, () => ({ ...caller, actor: `rule:${rule.ruleId}`, causationId: caller.causationId })),
      );
      if (applied.some((a) => a.outcome === 'approved')) this.store.notifyAppended();
      results.push(...applied);
    }
    return results;
  }

  async execute(request: DeploymentRequest, ctx: CausationContext): Promise<CommandOutcome> {
    // Clients ask on every cookie request and almost never change groups: decide on an unlocked
    // read first, and take the write lock only when there is something to write.
    if (request.type === 'ResolveClientTargeting') {
      const before = await loadState(this.store.db, scopeOf(request));
      const decision = decide(request, before, ctx);
      if (decision.events.length === 0) return { decision, before };
    }
    if (request.type === 'ApproveUpdate' || request.type === 'AcceptEula' || request.type === 'DeclineUpdate' || request.type === 'UndeclineUpdate') {
      await this.catchUpCatalog();
    }
    const outcome = await this.store.db.transaction((tx) => this.executeIn(tx, request, ctx));
    if (outcome.decision.events.length > 0) this.store.notifyAppended();
    return outcome;
  }

  /**
   * The same, inside a transaction the caller owns (the rule process manager's projection batch, so
   * its approvals and its checkpoint commit together). The caller calls notifyAppended after commit.
   */
  async executeIn(tx: SqlExecutor, request: DeploymentRequest, ctx: CausationContext): Promise<CommandOutcome> {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [DeploymentCommandService.WRITE_LOCK_KEY]);
    const before = await loadState(tx, scopeOf(request));
    const command: DeploymentCommand =
      request.type === 'ApproveUpdate' ? { ...request, deploymentId: await nextDeploymentId(tx) } : request;
    const decision = decide(command, before, ctx);
    await this.write(tx, decision.events, (streamId) => expectedVersionOf(streamId, request, before));
    return { decision, before };
  }

  /**
   * Events decided outside decide() over state the caller loads itself (a cleanup run reads the whole
   * catalog view, not a command's slice): under the write lock, in one transaction with their
   * projection rows, so no command decides on a state half-way through.
   */
  async writeUnderLock<T extends { readonly events: readonly StreamEventLike[] }>(make: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const result = await this.store.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [DeploymentCommandService.WRITE_LOCK_KEY]);
      const made = await make(tx);
      await this.write(tx, made.events, () => 'any');
      return made;
    });
    if (result.events.length > 0) this.store.notifyAppended();
    return result;
  }

  /** All Computers and Unassigned Computers exist from the start; every replica may try, one wins. */
  async seedBuiltInGroups(): Promise<void> {
    const ctx: CausationContext = {
      correlationId: crypto.randomUUID(),
      causationId: null,
      traceparent: null,
      actor: 'system:deployment',
      now: () => new Date(),
      newId: () => crypto.randomUUID(),
    };
    const wrote = await this.store.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [DeploymentCommandService.WRITE_LOCK_KEY]);
      let count = 0;
      for (const group of BUILT_IN_GROUPS) {
        const streamId = groupStream(group.groupId);
        const exists = await tx.query('SELECT 1 FROM ws_streams WHERE stream_id = $1', [streamId]);
        if (exists.rows.length > 0) continue;
        const event = newEvent(ctx, 'ComputerGroupCreated', 1, { ...group, builtIn: true });
        await this.write(tx, [{ streamId, event }], () => 'no-stream');
        count += 1;
      }
      return count;
    });
    if (wrote > 0) {
      this.store.notifyAppended();
      this.logger.info({ groups: wrote }, 'created the built-in computer groups');
    }
  }

  private async write(
    tx: SqlExecutor,
    events: readonly { streamId: string; event: NewEvent }[],
    expected: (streamId: string) => ExpectedVersion,
  ): Promise<void> {
    // Consecutive events of one stream go in one append; order across streams is the decision's.
    for (let i = 0; i < events.length; ) {
      const streamId = events[i]!.streamId;
      const batch: NewEvent[] = [];
      while (i < events.length && events[i]!.streamId === streamId) batch.push(events[i++]!.event);
      const result = await this.store.appendInTransaction(tx, streamId, batch, expected(streamId));
      const first = result.nextExpectedVersion - BigInt(batch.length) + 1n;
      for (const [k, event] of batch.entries()) {
        await applyDeploymentEvent(tx, { ...event, streamPosition: first + BigInt(k) });
      }
    }
  }
}

function scopeOf(request: DeploymentRequest): StateScope {
  switch (request.type) {
    case 'DeleteGroup':
      return { membersOf: request.groupId, approvalsForGroups: [request.groupId] };
    case 'AssignComputer':
    case 'ResolveClientTargeting':
      return { computerIds: [request.computerId] };
    case 'ApproveUpdate':
    case 'AcceptEula':
    case 'RemoveApproval':
    case 'DeclineUpdate':
    case 'UndeclineUpdate':
      return { updateIds: [request.updateId] };
    default:
      return {};
  }
}

/** A group's stream is checked against the version decided on (the ETag); others are serialised by the lock. */
function expectedVersionOf(streamId: string, request: DeploymentRequest, before: DeploymentState): ExpectedVersion {
  if (request.type === 'CreateGroup' && streamId === groupStream(request.groupId)) return 'no-stream';
  if (request.type === 'CreateApprovalRule' && streamId === approvalRuleStream(request.ruleId)) return 'no-stream';
  if (streamId === SERVER_CONFIGURATION_STREAM) return before.configuration.version === 0 ? 'no-stream' : BigInt(before.configuration.version);
  for (const group of before.groups.values()) {
    if (streamId === groupStream(group.id)) return BigInt(group.version);
  }
  return 'any';
}

async function nextDeploymentId(tx: SqlExecutor): Promise<number> {
  const row = (await tx.query<{ id: number }>("SELECT nextval('dep_deployment_id_seq')::integer AS id")).rows[0];
  if (!row) throw new Error('no deployment id from dep_deployment_id_seq');
  return row.id;
}
