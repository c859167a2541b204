import type { DynamicModule, Type } from '@nestjs/common';
import type { EventDefinition, ServiceName } from '#contracts';
import type { Migration } from '#event-store';

/**
 * What a service contributes to a process. Event definitions and migrations of every service are
 * registered in every process (the log and schema are shared); only selected modules are started.
 */
export interface ServiceRegistration {
  readonly name: ServiceName;
  readonly module: Type | DynamicModule;
  readonly eventDefinitions: readonly EventDefinition[];
  readonly migrations: readonly Migration[];
}
