import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ComputerRegistered, computerStream, newEvent } from '#contracts';
import { type EventStore, StreamVersionConflictError } from '#event-store';
import type { DurableMessage, DurableQueue } from '#messaging';
import { DURABLE_QUEUE, EVENT_STORE, LOGGER, type Logger } from '#platform';
import { decideRegistration, type Registration } from '../domain/registration.js';
import { consumeValidated, contextOf } from '../durable-work/durable-work.js';
import { REGISTER_COMPUTER_CONSUMER, REGISTER_COMPUTER_SUBJECT, RegisterComputerCommand } from './register-computer.command.js';

/** Client event batches for the same computer may land between our read and our append; retry then. */
const MAX_APPEND_ATTEMPTS = 5;
const PAGE = 1000;

/** RegisterComputer → ComputerRegistered on the computer's stream, unless nothing changed. */
@Injectable()
export class RegisterComputerConsumer implements OnModuleInit, OnModuleDestroy {
  /** Nest may run init hooks twice (a hybrid app initializing its microservice separately): consume once. */
  private consuming: Promise<() => Promise<void>> | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DURABLE_QUEUE) private readonly queue: DurableQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.consuming ??= consumeValidated(this.queue, this.logger, {
      subject: REGISTER_COMPUTER_SUBJECT,
      consumer: REGISTER_COMPUTER_CONSUMER,
      schema: RegisterComputerCommand,
      handle: (command, message) => this.register(command, message),
    });
    await this.consuming;
  }

  async onModuleDestroy(): Promise<void> {
    const consuming = this.consuming;
    this.consuming = null;
    if (consuming) await (await consuming)();
  }

  async register(command: Registration, message: DurableMessage<unknown>): Promise<void> {
    const streamId = computerStream(command.computerId);
    for (let attempt = 1; ; attempt += 1) {
      const { last, version } = await this.lastRegistration(command.computerId);
      const data = decideRegistration(command, last);
      if (data === null) return;
      const event = newEvent(contextOf(message, command.computerId, () => new Date()), ComputerRegistered.type, ComputerRegistered.schemaVersion, data);
      try {
        await this.store.append(streamId, [event], version === 0n ? 'no-stream' : version);
        return;
      } catch (error) {
        if (!(error instanceof StreamVersionConflictError) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * The stream is the truth; the projection only says where its latest registration was, so we
   * read the few events after it rather than the whole stream (which holds every client event).
   */
  private async lastRegistration(computerId: string): Promise<{ last: Registration | null; version: bigint }> {
    const hint = (
      await this.store.db.query<{ position: string | null }>(
        'SELECT registration_position::text AS position FROM rpt_computers WHERE computer_id = $1',
        [computerId],
      )
    ).rows[0]?.position;
    let from = hint ? BigInt(hint) : 1n;
    let last: Registration | null = null;
    let version = 0n;
    for (;;) {
      const page = await this.store.readStream(computerStream(computerId), { fromPosition: from, limit: PAGE });
      version = page.version;
      for (const e of page.events) if (e.type === ComputerRegistered.type) last = e.data as Registration;
      if (page.events.length < PAGE) return { last, version };
      from = page.events[page.events.length - 1]!.streamPosition + 1n;
    }
  }
}
