import { randomUUID } from 'node:crypto';
import type { ClientProxy } from '@nestjs/microservices';
import { CodedError, ErrorCodes } from '#contracts';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import type { BusMessage, BusMessageMeta } from './bus-message.js';
import { fromRemoteError } from './remote-error.js';

export interface RequestOptions {
  /** Every call has a deadline; a hung peer must never hang the caller. */
  readonly timeoutMs?: number;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly traceparent?: string | null;
}

export const DEFAULT_BUS_TIMEOUT_MS = 5_000;

/** The part of a Nest ClientProxy the bus uses; ClientNats and InProcessClient both fit. */
export type BusClient = Pick<ClientProxy, 'send' | 'emit' | 'connect' | 'close'>;

/**
 * How services call each other: request/reply with a deadline and coded errors, and fire-and-forget
 * events. The same class runs over NATS or in-process; only the ClientProxy differs.
 */
export class ServiceBus {
  constructor(
    private readonly client: BusClient,
    private readonly defaultTimeoutMs: number = DEFAULT_BUS_TIMEOUT_MS,
  ) {}

  async request<TResponse, TPayload = unknown>(
    subject: string,
    payload: TPayload,
    options: RequestOptions = {},
  ): Promise<TResponse> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const message: BusMessage<TPayload> = { meta: this.meta(options), payload };
    try {
      return await firstValueFrom(this.client.send<TResponse, BusMessage<TPayload>>(subject, message).pipe(timeout(timeoutMs)));
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw new CodedError(ErrorCodes.BusTimeout, `no reply to ${subject} within ${timeoutMs} ms`);
      }
      throw fromRemoteError(error, subject);
    }
  }

  async emit<TPayload>(subject: string, payload: TPayload, options: Omit<RequestOptions, 'timeoutMs'> = {}): Promise<void> {
    const message: BusMessage<TPayload> = { meta: this.meta(options), payload };
    await firstValueFrom(this.client.emit(subject, message), { defaultValue: undefined });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private meta(options: Omit<RequestOptions, 'timeoutMs'>): BusMessageMeta {
    return {
      correlationId: options.correlationId ?? randomUUID(),
      causationId: options.causationId ?? null,
      traceparent: options.traceparent ?? null,
      sentAt: new Date().toISOString(),
    };
  }
}
