import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { compareLogPositions, decodeAnchor, encodeAnchor, type LogPosition } from '#contracts';
import type { EventStore } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger } from '#platform';
import type { ScanIndexView } from './domain/scan-index.view.js';
import { ScanIndexFollower } from './scan-index.follower.js';

/**
 * The process's scan index as a Nest provider: starts following the log when the module starts
 * (replay first; calls wait for it through `whenReady`), stops before the store closes.
 */
@Injectable()
export class ScanIndexService implements OnModuleInit, OnModuleDestroy {
  readonly follower: ScanIndexFollower;
  private started = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.follower = new ScanIndexFollower({
      onSkipped: (event, reason) =>
        this.logger.warn({ eventType: event.type, anchor: encodeAnchor(event.position), reason }, 'soap-gateway: scan index skipped an event'),
      onFailure: (error, retryInMs) => this.logger.error({ err: error, retryInMs }, 'soap-gateway: scan index lost the log; serving what it has and retrying'),
    });
  }

  onModuleInit(): void {
    // A hybrid app (HTTP + bus microservice on one container) runs init hooks twice: follow once.
    if (this.started) return;
    this.started = true;
    const started = Date.now();
    this.follower.start(this.store);
    void this.follower.caughtUp.then(() =>
      this.follower.read((view) =>
        this.logger.info({ revisions: view.revisionCount, anchor: view.anchor, ms: Date.now() - started }, 'soap-gateway: scan index caught up'),
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  whenReady(timeoutMs: number): Promise<boolean> {
    return this.follower.whenReady(timeoutMs);
  }

  /**
   * Brings the index up to a client's anchor (the cookie's lastSyncAnchor, sealed by whichever
   * replica answered its last scan), waiting at most `timeoutMs`:
   * - `reached`: the index holds everything the anchor covers (also: no anchor, or another layout);
   * - `behind`: the log has it but this index has not caught up in time (answer ServerBusy);
   * - `beyond-log`: the log does not reach the anchor at all — the store was restored from a backup
   *   or reset — so the anchor describes a history that no longer exists and must be ignored.
   * Replicas only hand out positions they read from the log, so a live anchor is never past the head.
   */
  async whenAtAnchor(anchor: string | null, timeoutMs: number): Promise<'reached' | 'behind' | 'beyond-log'> {
    let position: LogPosition;
    try {
      position = decodeAnchor(anchor);
    } catch {
      return 'reached';
    }
    if (await this.follower.whenAt(position, 0)) return 'reached';
    // Rare (a lagging replica, a restored store): one head read tells the two apart.
    if (compareLogPositions(position, await this.store.head()) > 0) return 'beyond-log';
    return (await this.follower.whenAt(position, timeoutMs)) ? 'reached' : 'behind';
  }

  read<T>(read: (view: ScanIndexView) => T): T {
    return this.follower.read(read);
  }
}
