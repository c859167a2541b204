import { Catch, Inject, Injectable } from '@nestjs/common';
import { CodedRpcExceptionFilter } from '#messaging';
import { LOGGER, type Logger } from '#platform';

/**
 * The coded-error filter, bound on this service's bus controllers themselves. serve() registers
 * the same filter globally, but after connectMicroservice() has already built the handlers, so Nest
 * ignores it (NestMicroservice.useGlobalFilters: "registration must occur before initialization")
 * and every CodedError would reach callers as INTERNAL. Binding it here keeps the codes whatever
 * the bootstrap does.
 */
@Catch()
@Injectable()
export class MetadataRpcExceptionFilter extends CodedRpcExceptionFilter {
  constructor(@Inject(LOGGER) logger: Logger) {
    super((error) => logger.error({ err: error }, 'unexpected error in a metadata-store bus handler'));
  }
}
