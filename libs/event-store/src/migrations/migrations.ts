/**
 * The event store's schema, as ordered, append-only migrations. Never edit a released migration:
 * add a new one. Other libs (projections) bring their own migrations with their own id prefix.
 */
export interface Migration {
  /** Globally unique and ordered within its owner, e.g. `event-store/0001`. */
  readonly id: string;
  readonly description: string;
  readonly sql: string;
}

export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'event-store/0001',
    description: 'streams, events, projection and wire checkpoints',
    sql: `
      CREATE TABLE ws_streams (
        stream_id   text PRIMARY KEY,
        version     bigint NOT NULL CHECK (version > 0),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE ws_events (
        global_sequence bigint GENERATED ALWAYS AS IDENTITY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL,
        stream_position bigint NOT NULL CHECK (stream_position > 0),
        event_type      text NOT NULL,
        schema_version  integer NOT NULL,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        message_id      uuid NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        -- the backstop for optimistic concurrency: two writers can never take one stream position
        PRIMARY KEY (stream_id, stream_position)
      );
      CREATE UNIQUE INDEX ws_events_message_id ON ws_events (message_id);
      CREATE UNIQUE INDEX ws_events_log_order ON ws_events (transaction_id, global_sequence);
      CREATE INDEX ws_events_type_log_order ON ws_events (event_type, transaction_id, global_sequence);

      CREATE TABLE ws_projection_checkpoints (
        name            text PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT '0',
        global_sequence bigint NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      );

      -- Small integers handed out as Windows anchors (n,yyyy-MM-dd hh:mm:ss.fff), each naming a
      -- gap-safe log position.
      CREATE TABLE ws_wire_checkpoints (
        checkpoint      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8 NOT NULL,
        global_sequence bigint NOT NULL,
        issued_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ws_wire_checkpoints_position ON ws_wire_checkpoints (transaction_id, global_sequence);
    `,
  },
];
