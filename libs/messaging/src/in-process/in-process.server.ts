import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { InProcessBroker, InProcessEndpoint } from './in-process.broker.js';

export const IN_PROCESS_TRANSPORT = Symbol('watershed-in-process');

export class InProcessContext extends BaseRpcContext<[string]> {
  getSubject(): string {
    return this.args[0];
  }
}

/** Nest transport strategy that serves @MessagePattern/@EventPattern handlers from the broker. */
export class InProcessServer extends Server implements CustomTransportStrategy, InProcessEndpoint {
  override readonly transportId = IN_PROCESS_TRANSPORT;
  private detach: (() => void) | null = null;

  constructor(
    private readonly broker: InProcessBroker,
    readonly queue = 'default',
  ) {
    super();
  }

  override listen(callback: (...args: unknown[]) => void): void {
    this.detach = this.broker.attach(this);
    callback();
  }

  override close(): void {
    this.detach?.();
    this.detach = null;
  }

  handles(subject: string): boolean {
    return this.messageHandlers.has(subject);
  }

  async request(subject: string, data: unknown): Promise<unknown> {
    const handler = this.getHandlerByPattern(subject);
    if (!handler || handler.isEventHandler) throw new Error(`no request handler for ${subject}`);
    const result = this.transformToObservable(await handler(data, new InProcessContext([subject])));
    return lastValueFrom(result, { defaultValue: undefined });
  }

  async event(subject: string, data: unknown): Promise<void> {
    await this.handleEvent(subject, { pattern: subject, data }, new InProcessContext([subject]));
  }

  override on(): void {
    // No connection, so no status events to listen to.
  }

  override unwrap<T>(): T {
    return this.broker as T;
  }
}
