import type { z } from 'zod';
import { subject } from '../subjects/subjects.js';
import type { ClientEventReported, ComputerRegistered } from './reporting.events.js';

/**
 * The reporting service's bus API, shared with its producers (the SOAP gateway) so the two sides
 * cannot drift. The two commands are durable (DurableQueue): the gateway acknowledges a client only
 * after they are enqueued.
 */
export const ReportingSubjects = {
  /** Payload: RegisterComputerMessage. */
  registerComputer: subject('reporting', 'cmd', 'register-computer'),
  /** Payload: RecordEventsMessage (one ReportEventBatch). */
  recordEvents: subject('reporting', 'cmd', 'record-events'),
  computer: subject('reporting', 'qry', 'computer'),
  updateStatus: subject('reporting', 'qry', 'update-status'),
  computers: subject('reporting', 'qry', 'computers'),
  /** Payload: RemoveStaleComputersMessage; reply: RemoveStaleComputersReply. Asked by a cleanup run. */
  removeStaleComputers: subject('reporting', 'cmd', 'remove-stale-computers'),
  /** Payload: PruneReportEventsMessage; reply: PruneReportEventsReply. Asked by a cleanup run. */
  pruneReportEvents: subject('reporting', 'cmd', 'prune-report-events'),
} as const;

export interface PruneReportEventsMessage {
  readonly runId: string;
  /** ISO time: client events stamped before this are deleted (after a snapshot of their computer). */
  readonly occurredBefore: string;
  /** Count them, delete none. */
  readonly dryRun: boolean;
}

export interface PruneReportEventsReply {
  /** Computers whose old events went (or would go). */
  readonly computers: number;
  readonly deletedClientEvents: number;
}

export interface RemoveStaleComputersMessage {
  readonly runId: string;
  /** ISO time: a computer whose last contact is before this is stale. */
  readonly contactBefore: string;
  /** List them, remove none. */
  readonly dryRun: boolean;
}

export interface RemoveStaleComputersReply {
  readonly computerIds: readonly string[];
}

export type RegisterComputerMessage = z.input<typeof ComputerRegistered.schema>;

export interface RecordEventsMessage {
  readonly computerId: string;
  readonly events: readonly z.input<typeof ClientEventReported.schema>[];
}
