import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { BusMessage } from '#messaging';
import { DeleteUnusedContentRequest, type DeleteUnusedContentReply, MetadataSubjects } from '../metadata-store.api.js';
import { contextFromBus, parsePayload } from '../metadata-store.bus.js';
import { DeleteUnusedContentUseCase } from './delete-unused-content.use-case.js';

/** A cleanup run (deployment service) asks for the content nothing else uses to be deleted. */
@Controller()
export class DeleteUnusedContentRpcController {
  constructor(@Inject(DeleteUnusedContentUseCase) private readonly useCase: DeleteUnusedContentUseCase) {}

  @MessagePattern(MetadataSubjects.deleteUnusedContent, { queue: serviceQueue('metadata-store') })
  async handle(@Payload() message: BusMessage): Promise<DeleteUnusedContentReply> {
    const request = parsePayload(DeleteUnusedContentRequest, message);
    return this.useCase.execute(request, contextFromBus(message, 'system:cleanup'));
  }
}
