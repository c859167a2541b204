/**
 * The in-process twin of NATS for the all-in-one server: subjects map to handlers registered by
 * InProcessServer. Requests go to one handler; events go to one server per queue group, as NATS does.
 */
export interface InProcessEndpoint {
  /** Like a NATS queue group: an event reaches one endpoint per queue. */
  readonly queue: string;
  request(subject: string, data: unknown): Promise<unknown>;
  event(subject: string, data: unknown): Promise<void>;
  handles(subject: string): boolean;
}

export class NoInProcessHandlerError extends Error {
  constructor(readonly subject: string) {
    super(`There is no matching message handler defined in the remote service. (${subject})`);
  }
}

export class InProcessBroker {
  private readonly endpoints = new Set<InProcessEndpoint>();

  attach(endpoint: InProcessEndpoint): () => void {
    this.endpoints.add(endpoint);
    return () => this.endpoints.delete(endpoint);
  }

  async request(subject: string, data: unknown): Promise<unknown> {
    for (const endpoint of this.endpoints) {
      if (endpoint.handles(subject)) return endpoint.request(subject, structuredClone(data));
    }
    throw new NoInProcessHandlerError(subject);
  }

  async event(subject: string, data: unknown): Promise<void> {
    const byQueue = new Map<string, InProcessEndpoint>();
    for (const endpoint of this.endpoints) {
      if (endpoint.handles(subject) && !byQueue.has(endpoint.queue)) byQueue.set(endpoint.queue, endpoint);
    }
    const targets = [...byQueue.values()];
    await Promise.all(targets.map((e) => e.event(subject, structuredClone(data))));
  }
}
