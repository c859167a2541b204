import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Describes an admin endpoint for the OpenAPI document. The route itself (method, path) is read
 * from Nest's own metadata, so the document cannot drift from what is served; this adds what Nest
 * does not know: a summary and the zod schemas the handler validates with.
 */
export interface ApiOperationSpec {
  readonly summary: string;
  readonly body?: z.ZodType;
  /** A body that is not JSON but raw bytes of this media type (content uploads), streamed by the handler. */
  readonly rawBody?: string;
  readonly query?: z.ZodType;
  /** Status → description of the success answers (errors are documented once for all). */
  readonly responses?: Readonly<Record<number, string>>;
}

export const API_OPERATION_METADATA = 'watershed:api-operation';
export const API_TAG_METADATA = 'watershed:api-tag';

export const ApiOperation = (spec: ApiOperationSpec): MethodDecorator => SetMetadata(API_OPERATION_METADATA, spec);
export const ApiTag = (tag: string): ClassDecorator => SetMetadata(API_TAG_METADATA, tag);
