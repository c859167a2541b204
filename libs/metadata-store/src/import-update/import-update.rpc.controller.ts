import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { BusMessage } from '#messaging';
import { contextFromBus, parsePayload } from '../metadata-store.bus.js';
import { ImportUpdateRequest, type ImportUpdateReply, MetadataSubjects } from '../metadata-store.api.js';
import { ImportUpdateUseCase } from './import-update.use-case.js';

@Controller()
export class ImportUpdateRpcController {
  constructor(@Inject(ImportUpdateUseCase) private readonly importUpdate: ImportUpdateUseCase) {}

  @MessagePattern(MetadataSubjects.importUpdate, { queue: serviceQueue('metadata-store') })
  async handle(@Payload() message: BusMessage): Promise<ImportUpdateReply> {
    const request = parsePayload(ImportUpdateRequest, message);
    const files = (request.files ?? []).map((f) => ({
      fileName: f.fileName,
      ...(f.sha1 === undefined ? {} : { sha1: f.sha1 }),
      content: Buffer.from(f.contentBase64, 'base64'),
    }));
    return this.importUpdate.execute(
      { xml: request.xml, source: request.source, files },
      contextFromBus(message, request.actor ?? null),
    );
  }
}
