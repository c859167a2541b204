/**
 * What travels on the bus, in both transports: the payload plus the context that must survive the
 * hop (correlation for errors and audit, W3C traceparent for one trace across processes). Carried in
 * the body rather than transport headers so handlers read it the same way on NATS and in-process.
 */
export interface BusMessageMeta {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceparent: string | null;
  readonly sentAt: string;
}

export interface BusMessage<T = unknown> {
  readonly meta: BusMessageMeta;
  readonly payload: T;
}

export function isBusMessage(value: unknown): value is BusMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    'meta' in value &&
    'payload' in value &&
    typeof (value as { meta: { correlationId?: unknown } }).meta?.correlationId === 'string'
  );
}
