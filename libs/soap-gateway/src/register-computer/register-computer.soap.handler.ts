import { Inject, Injectable } from '@nestjs/common';
import { ComputerRegistered, ReportingSubjects } from '#contracts';
import type { DurableQueue } from '#messaging';
import { DURABLE_QUEUE } from '#platform';
import { type RegisterComputerRequest, WuspErrorCode } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { contentMessageId } from '../wusp-endpoint/message-id.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

export const REGISTER_COMPUTER_SUBJECT = ReportingSubjects.registerComputer;

/**
 * RegisterComputer (§3.1.5.5): the registration goes to the reporting service through the durable
 * queue, and the client is answered only once the queue has it (nothing is lost if this process dies
 * right after). The computer id is the cookie's, not anything in the body.
 */
@Injectable()
export class RegisterComputerSoapHandler implements WuspOperationHandler<'RegisterComputer'> {
  readonly operation = 'RegisterComputer' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Inject(DURABLE_QUEUE) private readonly queue: DurableQueue,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: RegisterComputerRequest, context: WuspCallContext): Promise<Record<string, never>> {
    const { state } = await this.cookies.open(request.cookie, context.now);
    const info = request.computerInfo;
    const parsed = ComputerRegistered.schema.safeParse({
      computerId: state.computerId,
      dnsName: info.dnsName,
      osMajorVersion: info.osMajorVersion,
      osMinorVersion: info.osMinorVersion,
      osBuildNumber: info.osBuildNumber,
      osServicePackMajorNumber: info.osServicePackMajorNumber,
      osLocale: info.osLocale ?? null,
      computerManufacturer: info.computerManufacturer ?? null,
      computerModel: info.computerModel ?? null,
      clientVersion: `${info.clientVersionMajorNumber}.${info.clientVersionMinorNumber}.${info.clientVersionBuildNumber}.${info.clientVersionQfeNumber}`,
      clientIp: context.clientIp || null,
    });
    // Refuse here what the consumer would refuse forever: the client would retry an unstorable message.
    if (!parsed.success) throw new WuspFault(WuspErrorCode.InvalidParameters, `computerInfo.${String(parsed.error.issues[0]?.path[0] ?? '')}`);
    const payload = parsed.data;
    try {
      await this.queue.enqueue(REGISTER_COMPUTER_SUBJECT, {
        messageId: contentMessageId('register-computer', JSON.stringify({ ...payload, clientIp: null })),
        payload,
        correlationId: context.correlationId,
      });
    } catch (error) {
      throw new WuspFault(WuspErrorCode.InternalServerError, '', { cause: error, diagnostic: 'registration could not be queued' });
    }
    return {};
  }
}
