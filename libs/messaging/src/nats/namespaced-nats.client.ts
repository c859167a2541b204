import { ClientNats, type MsPattern } from '@nestjs/microservices';

export interface NamespacedNatsClientOptions {
  readonly servers: string | string[];
  readonly namespace: string;
  readonly name?: string;
}

/** Nest's NATS client, publishing under the same subject namespace as NamespacedNatsServer. */
export class NamespacedNatsClient extends ClientNats {
  constructor(private readonly natsOptions: NamespacedNatsClientOptions) {
    super({ servers: natsOptions.servers, name: natsOptions.name });
  }

  protected override normalizePattern(pattern: MsPattern): string {
    return `${this.natsOptions.namespace}${super.normalizePattern(pattern)}`;
  }
}
