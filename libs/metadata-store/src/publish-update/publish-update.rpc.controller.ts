import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { BusMessage } from '#messaging';
import { contextFromBus, parsePayload } from '../metadata-store.bus.js';
import { PublishUpdateBusRequest, type PublishUpdateReply, PublishUpdateSubject } from './publish-update.api.js';
import { type PublishBytes, type PublishUpdateCommand, PublishUpdateUseCase } from './publish-update.use-case.js';

@Controller()
export class PublishUpdateRpcController {
  constructor(@Inject(PublishUpdateUseCase) private readonly publish: PublishUpdateUseCase) {}

  @MessagePattern(PublishUpdateSubject, { queue: serviceQueue('metadata-store') })
  async handle(@Payload() message: BusMessage): Promise<PublishUpdateReply> {
    const payload = parsePayload(PublishUpdateBusRequest, message);
    return this.publish.execute(publishCommand(payload), contextFromBus(message, payload.actor ?? null));
  }
}

/** The metadata goes to the use case (which validates it again, harmlessly: the schema is idempotent); the bytes are decoded here. */
export function publishCommand(payload: ReturnType<typeof PublishUpdateBusRequest.parse>): PublishUpdateCommand {
  const { files, eula, actor: _actor, ...request } = payload;
  return {
    request,
    files: files.map((f) => ({
      fileName: f.fileName,
      ...bytesOf(f),
      ...(f.modified === undefined ? {} : { modified: new Date(f.modified).toISOString() }),
    })),
    ...(eula === undefined
      ? {}
      : {
          eula: {
            ...(eula.eulaId === undefined ? {} : { eulaId: eula.eulaId }),
            files: eula.files.map((f) => ({ language: f.language, ...(f.geoId === undefined ? {} : { geoId: f.geoId }), fileName: f.fileName, ...bytesOf(f) })),
          },
        }),
  };
}

/** Inline bytes are decoded here; an upload stays a digest for the use case to find. */
function bytesOf(f: { contentBase64: string } | { sha256: string }): PublishBytes {
  return 'contentBase64' in f ? { content: Buffer.from(f.contentBase64, 'base64') } : { sha256: f.sha256 };
}
