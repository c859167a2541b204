import { CodedError, newEvent, SERVER_CONFIGURATION_STREAM } from '#contracts';
import type { z } from 'zod';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import type { DeploymentState } from '../domain/deployment.state.js';
import type { DeciderContext, Decision, StreamEvent } from '../domain/decision.js';
import { serverConfigurationInput } from './server-configuration.js';

type ConfigureServer = Extract<DeploymentCommand, { type: 'ConfigureServer' }>;

/** zod issues as the admin API's error details: where and why. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * Replaces the whole configuration. Validation happens before anything is decided, so a refused
 * change produces no event and the previous configuration stays as it was, every field of it.
 * The targeting mode, when given and different, is its own TargetingModeChanged (its consumers read
 * that event), appended with the configuration in one append: both or neither.
 */
export function decideConfigureServer(command: ConfigureServer, state: DeploymentState, ctx: DeciderContext): Decision {
  if (command.expectedVersion !== undefined && command.expectedVersion !== state.configuration.version) {
    throw new CodedError(E.ConfigurationVersionMismatch, `the configuration is at version ${state.configuration.version}, not ${command.expectedVersion}`, {
      currentVersion: state.configuration.version,
    });
  }
  const parsed = serverConfigurationInput.safeParse(command.settings);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    const first = issues[0];
    throw new CodedError(E.ConfigurationInvalid, `invalid configuration: ${first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'rejected'}`, { issues });
  }
  const { targetingMode, retention, ...settings } = parsed.data;
  const events: StreamEvent[] = [];
  if (!sameSettings(settings, state.configuration.settings)) {
    events.push({ streamId: SERVER_CONFIGURATION_STREAM, event: newEvent(ctx, 'ServerConfigurationChanged', 1, settings) });
  }
  if (targetingMode !== undefined && targetingMode !== state.targetingMode) {
    events.push({ streamId: SERVER_CONFIGURATION_STREAM, event: newEvent(ctx, 'TargetingModeChanged', 1, { mode: targetingMode }) });
  }
  if (retention !== undefined) {
    const next = { ...state.configuration.retention, ...retention };
    if (!sameSettings(next, state.configuration.retention)) {
      events.push({ streamId: SERVER_CONFIGURATION_STREAM, event: newEvent(ctx, 'RetentionSettingsChanged', 1, next) });
    }
  }
  return { events, warnings: [] };
}

function sameSettings<T extends object>(a: T, b: T): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, canonical(v)]));
  return value;
}
