import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CodedError, serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { MetadataSubjects, RevisionRequest, type RevisionReply } from '../metadata-store.api.js';
import { parsePayload } from '../metadata-store.bus.js';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { findRevision } from '../update-revisions/update-revisions.queries.js';

@Controller()
export class GetRevisionRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(MetadataSubjects.revision, { queue: serviceQueue('metadata-store') })
  async handle(@Payload() message: BusMessage): Promise<RevisionReply> {
    const { updateId, revisionNumber } = parsePayload(RevisionRequest, message);
    const revision = await findRevision(this.store.db, updateId, revisionNumber);
    if (revision === null) {
      throw new CodedError(
        MetadataErrorCodes.NotFound,
        revisionNumber === undefined ? `no update ${updateId} in the catalog` : `no revision ${revisionNumber} of update ${updateId} in the catalog`,
      );
    }
    return revision;
  }
}
