import { encodeAnchor, type EventMetadata, type LogPosition, type RecordedEvent } from '#contracts';

/**
 * Columns every event query selects (from `ws_events e`); bigints and xid8 come back as text so both
 * drivers agree. Because the text columns keep their names, every ORDER BY must name `e.` columns.
 */
export const EVENT_COLUMNS = `
  e.transaction_id::text  AS transaction_id,
  e.global_sequence::text AS global_sequence,
  e.stream_id,
  e.stream_position::text AS stream_position,
  e.event_type,
  e.schema_version,
  e.data,
  e.metadata,
  e.recorded_at`;

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
