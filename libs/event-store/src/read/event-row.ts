import { encodeAnchor, type EventMetadata, type LogPosition, type RecordedEvent } from '#contracts';

/** Columns every event query selects; bigints and xid8 come back as text so both drivers agree. */
export const EVENT_COLUMNS = `
  transaction_id::text  AS transaction_id,
  global_sequence::text AS global_sequence,
  stream_id,
  stream_position::text AS stream_position,
  event_type,
  schema_version,
  data,
  metadata,
  recorded_at`;

export interface EventRow {
  transaction_id: string;
  global_sequence: string;
  stream_id: string;
  stream_position: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date | string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  const position: LogPosition = { transactionId: BigInt(row.transaction_id), sequence: BigInt(row.global_sequence) };
  return {
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamPosition: BigInt(row.stream_position),
    position,
    anchor: encodeAnchor(position),
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}
