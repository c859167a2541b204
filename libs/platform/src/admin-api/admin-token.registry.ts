import { createHash } from 'node:crypto';
import { ADMIN_TOKEN_EVENT_TYPES, LOG_START, type RecordedEvent } from '#contracts';
import type { EventStore, LogSubscription } from '#event-store';

export interface KnownAdminToken {
  readonly tokenId: string;
  readonly name: string;
  /** SHA-256 of the token. */
  readonly digest: Buffer;
}

export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * The admin tokens created through the CLI, followed from the log (created, revoked) so every
 * process knows them without sharing configuration; revocation takes effect within a poll interval.
 */
export class AdminTokenRegistry {
  private readonly tokens = new Map<string, KnownAdminToken>();
  private subscription: LogSubscription | null = null;

  apply(event: RecordedEvent): void {
    if (event.type === 'AdminTokenCreated') {
      const data = event.data as { tokenId: string; name: string; sha256: string };
      this.tokens.set(data.tokenId, { tokenId: data.tokenId, name: data.name, digest: Buffer.from(data.sha256, 'hex') });
    } else if (event.type === 'AdminTokenRevoked') {
      this.tokens.delete((event.data as { tokenId: string }).tokenId);
    }
  }

  get all(): readonly KnownAdminToken[] {
    return [...this.tokens.values()];
  }

  /** Catches up with the log before resolving, so a token created before start works at once. */
  async start(store: EventStore): Promise<void> {
    if (this.subscription) return;
    await new Promise<void>((resolve, reject) => {
      this.subscription = store.subscribe({
        from: LOG_START,
        eventTypes: ADMIN_TOKEN_EVENT_TYPES,
        handler: (event) => this.apply(event),
        onCaughtUp: () => resolve(),
      });
      this.subscription.done.catch(reject);
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }
}
