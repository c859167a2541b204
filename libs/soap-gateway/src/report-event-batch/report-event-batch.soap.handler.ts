import { Inject, Injectable } from '@nestjs/common';
import { ReportingSubjects } from '#contracts';
import type { DurableQueue } from '#messaging';
import { DURABLE_QUEUE } from '#platform';
import { type ReportEventBatchRequest, type ReportingEvent, WuspErrorCode } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { contentMessageId } from '../wusp-endpoint/message-id.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

export const RECORD_EVENTS_SUBJECT = ReportingSubjects.recordEvents;
const NO_UPDATE = '00000000-0000-0000-0000-000000000000';

/** The ClientEventReported payload of one reported event (contracts/reporting). */
export interface ReportedEventPayload {
  readonly computerId: string;
  readonly eventInstanceId: string;
  readonly eventId: number;
  readonly namespaceId: number;
  readonly timeAtTarget: string;
  readonly sourceId: number;
  readonly updateId: string | null;
  readonly revisionNumber: number | null;
  readonly win32HResult: number;
  readonly appName: string;
  readonly replacementStrings: string[];
  readonly miscData: string[];
}

/** Events without BasicData carry no EventInstanceID, so nothing identifies them: they are skipped. */
export function toReportedEvents(computerId: string, batch: readonly ReportingEvent[]): ReportedEventPayload[] {
  const out: ReportedEventPayload[] = [];
  for (const event of batch) {
    const b = event.basicData;
    if (b === undefined) continue;
    const updateId = b.updateId === undefined || b.updateId.updateId.toLowerCase() === NO_UPDATE ? null : b.updateId.updateId.toLowerCase();
    out.push({
      computerId,
      eventInstanceId: b.eventInstanceId.toLowerCase(),
      eventId: b.eventId,
      namespaceId: b.namespaceId,
      timeAtTarget: b.timeAtTarget,
      sourceId: b.sourceId,
      updateId,
      revisionNumber: updateId === null ? null : (b.updateId?.revisionNumber ?? null),
      win32HResult: b.win32HResult,
      appName: b.appName ?? '',
      replacementStrings: [...(event.extendedData?.replacementStrings ?? [])],
      miscData: [...(event.extendedData?.miscData ?? [])],
    });
  }
  return out;
}

/**
 * ReportEventBatch (§3.1.5.11): the cookie must be valid (a configuration change does not refuse a
 * report: the events are facts either way); the batch is durably queued for the reporting service and
 * only then answered `true`. The computer is the cookie's; TargetID/Sid is not trusted. A retried
 * batch gets the same messageId, and the reporting service dedupes by EventInstanceID.
 */
@Injectable()
export class ReportEventBatchSoapHandler implements WuspOperationHandler<'ReportEventBatch'> {
  readonly operation = 'ReportEventBatch' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Inject(DURABLE_QUEUE) private readonly queue: DurableQueue,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: ReportEventBatchRequest, context: WuspCallContext): Promise<boolean> {
    const { state } = await this.cookies.open(request.cookie, context.now);
    const events = toReportedEvents(state.computerId, request.eventBatch);
    if (events.length === 0) return true;
    const messageId = contentMessageId('record-events', state.computerId, ...events.map((e) => e.eventInstanceId).sort());
    try {
      await this.queue.enqueue(RECORD_EVENTS_SUBJECT, { messageId, payload: { computerId: state.computerId, events }, correlationId: context.correlationId });
    } catch (error) {
      throw new WuspFault(WuspErrorCode.InternalServerError, '', { cause: error, diagnostic: 'event batch could not be queued' });
    }
    return true;
  }
}
