import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ClientEventReported, computerStream, newEvent, type NewEvent } from '#contracts';
import type { EventStore } from '#event-store';
import type { DurableMessage, DurableQueue } from '#messaging';
import { DURABLE_QUEUE, EVENT_STORE, LOGGER, type Logger } from '#platform';
import { consumeValidated, contextOf } from '../durable-work/durable-work.js';
import { RECORD_EVENTS_CONSUMER, RECORD_EVENTS_SUBJECT, type RecordEvents, RecordEventsCommand } from './record-events.command.js';

/** Events per append: one short transaction each; a retry after a partial commit skips what is stored. */
const APPEND_CHUNK = 1000;

/**
 * ReportEventBatch → one ClientEventReported per event on the computer's stream. The event's
 * messageId is its EventInstanceID, so a batch the client (or the queue) delivers again is stored once.
 */
@Injectable()
export class RecordEventsConsumer implements OnModuleInit, OnModuleDestroy {
  /** Nest may run init hooks twice (a hybrid app initializing its microservice separately): consume once. */
  private consuming: Promise<() => Promise<void>> | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DURABLE_QUEUE) private readonly queue: DurableQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.consuming ??= consumeValidated(this.queue, this.logger, {
      subject: RECORD_EVENTS_SUBJECT,
      consumer: RECORD_EVENTS_CONSUMER,
      schema: RecordEventsCommand,
      handle: (command, message) => this.record(command, message),
    });
    await this.consuming;
  }

  async onModuleDestroy(): Promise<void> {
    const consuming = this.consuming;
    this.consuming = null;
    if (consuming) await (await consuming)();
  }

  async record(command: RecordEvents, message: DurableMessage<unknown>): Promise<void> {
    const context = contextOf(message, command.computerId, () => new Date());
    const seen = new Set<string>();
    const events: NewEvent[] = [];
    for (const item of command.events) {
      // The unique messageId index would reject a batch that repeats one occurrence: keep the first.
      if (seen.has(item.eventInstanceId)) continue;
      seen.add(item.eventInstanceId);
      const event = newEvent(context, ClientEventReported.type, ClientEventReported.schemaVersion, { ...item, computerId: command.computerId });
      events.push({ ...event, metadata: { ...event.metadata, messageId: item.eventInstanceId } });
    }
    const streamId = computerStream(command.computerId);
    for (let i = 0; i < events.length; i += APPEND_CHUNK) {
      await this.store.append(streamId, events.slice(i, i + APPEND_CHUNK), 'any', { skipDuplicateMessages: true });
    }
  }
}
