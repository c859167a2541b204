import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { InProcessBroker } from './in-process.broker.js';

/** Nest ClientProxy over the in-process broker: `send`/`emit` behave as with ClientNats. */
export class InProcessClient extends ClientProxy {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  override async connect(): Promise<void> {
    // Nothing to connect to.
  }

  override close(): void {
    // Nothing to close.
  }

  override on(): void {
    // No connection, so no status events.
  }

  override unwrap<T>(): T {
    return this.broker as T;
  }

  protected override publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let cancelled = false;
    const subject = this.normalizePattern(packet.pattern);
    // Defer like a network hop, so callers never see a reply before send() returns.
    queueMicrotask(() => {
      this.broker.request(subject, packet.data).then(
        (response) => !cancelled && callback({ response, isDisposed: true }),
        (err: unknown) => !cancelled && callback({ err, isDisposed: true }),
      );
    });
    return () => {
      cancelled = true;
    };
  }

  protected override async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    await this.broker.event(this.normalizePattern(packet.pattern), packet.data);
    return undefined as T;
  }
}
