import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  CLEANUP_RUNS_STREAM,
  type CausationContext,
  CodedError,
  type CleanupRunCounts,
  type DeleteUnusedContentReply,
  type DeleteUnusedContentRequest,
  MAX_EXPIRING_UPDATE_IDS,
  MetadataSubjects,
  newEvent,
  type RecordedEvent,
  type PruneReportEventsMessage,
  type PruneReportEventsReply,
  type RemoveStaleComputersMessage,
  type RemoveStaleComputersReply,
  ReportingSubjects,
} from '#contracts';
import { type EventStore, StreamVersionConflictError } from '#event-store';
import type { ServiceBus } from '#messaging';
import { EVENT_STORE, LOGGER, type Logger, SERVICE_BUS } from '#platform';
import { type Caller, causationContext } from '../application/deployment-api.service.js';
import { DeploymentCommandService } from '../application/deployment-commands.service.js';
import { loadConfiguration } from '../application/load-state.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import { type CleanupRunError, type CleanupRunView, type CleanupTrigger, cleanupRunsFrom, decideCleanupClaim, dueCleanupSlot } from './cleanup-runs.js';
import { decideUpdateExpiry, type UpdateExpiry, updateExpiryEvents } from './expire-updates.decider.js';
import { loadExpiryCatalog } from './expiry-catalog.query.js';

/** How often the scheduler looks whether a slot is due: a minute late is on time for a nightly job. */
export const CLEANUP_SCHEDULER_TICK_MS = 60_000;
/** A run records the ids it expired; beyond this many the counts still say how many went. */
const MAX_LISTED_IDS = 1000;
/** Removing stale computers appends one event per computer: allow for a first run over a large, neglected fleet. */
const STALE_COMPUTERS_TIMEOUT_MS = 120_000;
/** Deleting unused content appends one event and unlinks one file per file: allow for a first run over years of catalog. */
const UNUSED_CONTENT_TIMEOUT_MS = 300_000;
/** Report-event retention snapshots and prunes computer by computer: a first run over years of reports takes a while. */
const REPORT_EVENTS_TIMEOUT_MS = 600_000;
const DAY_MS = 86_400_000;

export interface CleanupRequest {
  readonly trigger: CleanupTrigger;
  readonly dryRun: boolean;
  /** The scheduled slot a scheduled run is for; null for a manual run. */
  readonly slot: string | null;
}

/**
 * Cleanup runs (the WSUS Server Cleanup Wizard, on a schedule, without stopping the server).
 *
 * A run is claimed by appending CleanupRunStarted to the cleanup-runs stream at the version just
 * read: two runs at once, in this process or in two replicas, cannot both append (one gets a stream
 * version conflict → CLEANUP.ALREADY_RUNNING), and no in-memory flag or session lock is involved, so
 * it works on PGlite's single connection and survives a crash (the claim lapses after the lease).
 * A scheduled run carries its slot; a slot any run already took is skipped, which is how a restarted
 * process or a second replica never runs the same night twice.
 *
 * Updates are expired here, in one transaction under the deployment write lock: nothing an admin
 * approves at the same moment is lost or half-seen. Stale computers belong to the reporting service
 * (it knows when each last made contact): it is asked over the bus, in-process or over NATS alike,
 * and removes them with ComputerRemoved, which the deployment projection follows to drop their group
 * membership. If reporting cannot be reached the run still expires updates and records the error
 * (completed-with-errors). The content nothing else uses belongs to the metadata store: it is asked
 * the same way, after the expiry, and deletes the files no live revision names (and old uploads no
 * live revision uses), each with ContentFileDeleted. A dry run decides the same and writes only its
 * history.
 */
@Injectable()
export class CleanupService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DeploymentCommandService) private readonly commands: DeploymentCommandService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_BUS) private readonly bus: ServiceBus,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.runDueSlot(new Date())
        .catch((error: unknown) => this.logger.error({ err: error }, 'scheduled cleanup failed'))
        .finally(() => (this.ticking = undefined));
    }, CLEANUP_SCHEDULER_TICK_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** The scheduler's tick (public so a test can drive it with its own clock): runs the slot due at `now`, once. */
  async runDueSlot(now: Date): Promise<CleanupRunView | null> {
    const { retention } = await loadConfiguration(this.store.db);
    const slot = dueCleanupSlot(retention.schedule, now);
    if (slot === null) return null;
    try {
      return await this.run({ trigger: 'schedule', dryRun: false, slot }, { actor: 'system:cleanup-scheduler' }, () => now);
    } catch (error) {
      // Another replica is running this very slot: it is taken care of.
      if (error instanceof CodedError && error.code === E.CleanupAlreadyRunning) return null;
      throw error;
    }
  }

  /** Runs a cleanup now; null when the request's slot was already run. */
  async run(request: CleanupRequest, caller: Caller, clock: () => Date = () => new Date()): Promise<CleanupRunView | null> {
    const ctx: CausationContext = { ...causationContext(caller), now: clock };
    const { retention: settings } = await loadConfiguration(this.store.db);
    const history = await this.readHistory();
    if (decideCleanupClaim(cleanupRunsFrom(history.events, clock()), request) === 'slot-taken') return null;

    const runId = ctx.newId();
    const started = newEvent(ctx, 'CleanupRunStarted', 1, { runId, trigger: request.trigger, dryRun: request.dryRun, slot: request.slot, settings });
    try {
      await this.store.append(CLEANUP_RUNS_STREAM, [started], history.version === 0n ? 'no-stream' : history.version);
    } catch (error) {
      if (error instanceof StreamVersionConflictError) throw new CodedError(E.CleanupAlreadyRunning, 'another cleanup run started a moment ago');
      throw error;
    }
    this.logger.info({ runId, trigger: request.trigger, dryRun: request.dryRun, slot: request.slot }, 'cleanup run started');

    let expiries: UpdateExpiry[] = [];
    let failure: string | null = null;
    const errors: CleanupRunError[] = [];
    let removedComputerIds: readonly string[] = [];
    let pruned: PruneReportEventsReply = { computers: 0, deletedClientEvents: 0 };
    try {
      // Revisions imported a moment ago count: the catalog view must be current before deciding.
      await this.commands.catchUpCatalog();
      if (request.dryRun) {
        expiries = decideUpdateExpiry(await loadExpiryCatalog(this.store.db), clock(), settings);
      } else {
        ({ expiries } = await this.commands.writeUnderLock(async (tx) => {
          const decided = decideUpdateExpiry(await loadExpiryCatalog(tx), clock(), settings);
          return { expiries: decided, events: updateExpiryEvents(decided, runId, ctx) };
        }));
      }
    } catch (error) {
      failure = (error as Error).message;
      this.logger.error({ err: error, runId }, 'cleanup run failed');
    }
    if (failure === null) {
      try {
        const message: RemoveStaleComputersMessage = {
          runId,
          contactBefore: new Date(clock().getTime() - settings.staleComputerDays * DAY_MS).toISOString(),
          dryRun: request.dryRun,
        };
        ({ computerIds: removedComputerIds } = await this.bus.request<RemoveStaleComputersReply>(ReportingSubjects.removeStaleComputers, message, {
          timeoutMs: STALE_COMPUTERS_TIMEOUT_MS,
          correlationId: ctx.correlationId,
          causationId: started.metadata.messageId,
        }));
      } catch (error) {
        const code = error instanceof CodedError ? error.code : 'INTERNAL';
        errors.push({ part: 'stale-computers', code, message: (error as Error).message });
        this.logger.warn({ err: error, runId }, 'cleanup could not remove stale computers');
      }
      // After stale computers: a computer removed above needs no snapshot of its reports.
      try {
        const message: PruneReportEventsMessage = {
          runId,
          occurredBefore: new Date(clock().getTime() - settings.reportEventDays * DAY_MS).toISOString(),
          dryRun: request.dryRun,
        };
        pruned = await this.bus.request<PruneReportEventsReply>(ReportingSubjects.pruneReportEvents, message, {
          timeoutMs: REPORT_EVENTS_TIMEOUT_MS,
          correlationId: ctx.correlationId,
          causationId: started.metadata.messageId,
        });
      } catch (error) {
        const code = error instanceof CodedError ? error.code : 'INTERNAL';
        errors.push({ part: 'report-events', code, message: (error as Error).message });
        this.logger.warn({ err: error, runId }, 'cleanup could not prune old report events');
      }
    }
    let content: DeleteUnusedContentReply = { paths: [], deletedFiles: 0, freedBytes: 0, uploads: [], deletedUploads: 0 };
    if (failure === null) {
      // After the expiry (same run): the files of the updates it expired go now, not a night later.
      try {
        const message: DeleteUnusedContentRequest = {
          runId,
          dryRun: request.dryRun,
          // An upload no live revision uses is kept as long as a superseded update: time to publish it.
          uploadedBefore: new Date(clock().getTime() - settings.supersededUpdateDays * DAY_MS).toISOString(),
          // A dry run expired nothing: its content figure must still count the files its expiry would free.
          expiringUpdateIds: expiries.slice(0, MAX_EXPIRING_UPDATE_IDS).map((e) => e.updateId),
        };
        content = await this.bus.request<DeleteUnusedContentReply>(MetadataSubjects.deleteUnusedContent, message, {
          timeoutMs: UNUSED_CONTENT_TIMEOUT_MS,
          correlationId: ctx.correlationId,
          causationId: started.metadata.messageId,
        });
      } catch (error) {
        const code = error instanceof CodedError ? error.code : 'INTERNAL';
        errors.push({ part: 'unused-content', code, message: (error as Error).message });
        this.logger.warn({ err: error, runId }, 'cleanup could not delete unused content');
      }
    }
    const counts: CleanupRunCounts = {
      expiredSupersededUpdates: expiries.filter((e) => e.reason === 'superseded').length,
      expiredDeclinedUpdates: expiries.filter((e) => e.reason === 'declined').length,
      removedApprovals: expiries.reduce((n, e) => n + e.removedApprovalGroupIds.length, 0),
      removedComputers: removedComputerIds.length,
      prunedReportEvents: pruned.deletedClientEvents,
      prunedReportComputers: pruned.computers,
      deletedContentFiles: content.deletedFiles,
      deletedUploads: content.deletedUploads,
      freedContentBytes: content.freedBytes,
    };
    const completed = newEvent(ctx, 'CleanupRunCompleted', 1, {
      runId,
      dryRun: request.dryRun,
      outcome: failure !== null ? 'failed' : errors.length > 0 ? 'completed-with-errors' : 'completed',
      counts,
      expiredUpdateIds: expiries.slice(0, MAX_LISTED_IDS).map((e) => e.updateId),
      removedComputerIds: removedComputerIds.slice(0, MAX_LISTED_IDS),
      deletedContentPaths: content.paths.slice(0, MAX_LISTED_IDS),
      error: failure,
      errors,
    });
    await this.store.append(CLEANUP_RUNS_STREAM, [completed], 'any');
    this.logger.info({ runId, counts, dryRun: request.dryRun }, 'cleanup run finished');
    return this.runById(runId);
  }

  /** Every run, newest first. */
  async runs(): Promise<CleanupRunView[]> {
    return cleanupRunsFrom((await this.readHistory()).events, new Date()).reverse();
  }

  async runById(runId: string): Promise<CleanupRunView> {
    const run = (await this.runs()).find((r) => r.id === runId);
    if (!run) throw new CodedError(E.CleanupRunNotFound, `cleanup run ${runId} does not exist`);
    return run;
  }

  /** The whole cleanup-runs stream: two events a day, a few thousand in years. */
  private async readHistory(): Promise<{ events: RecordedEvent[]; version: bigint }> {
    const events: RecordedEvent[] = [];
    let version = 0n;
    for (;;) {
      const page = await this.store.readStream(CLEANUP_RUNS_STREAM, { fromPosition: BigInt(events.length + 1) });
      events.push(...page.events);
      version = page.version;
      if (page.events.length === 0 || BigInt(events.length) >= page.version) return { events, version };
    }
  }
}
