import type { CausationContext, NewEvent } from '#contracts';

export interface StreamEvent {
  readonly streamId: string;
  readonly event: NewEvent;
}

export interface DecisionWarning {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** A decider's answer: events to append, in order (possibly to several streams), and warnings. */
export interface Decision {
  readonly events: readonly StreamEvent[];
  readonly warnings: readonly DecisionWarning[];
}

export const noChange: Decision = { events: [], warnings: [] };

/** Clock and ids come in here, never from globals. */
export type DeciderContext = CausationContext;
