import { loadConfig, createLogger, serve } from '#platform';
import { ALL_SERVICES } from '../all-services.js';
import { CliError, ExitCode } from '../exit-codes.js';

export async function serveCommand(flags: Record<string, string | boolean | undefined>): Promise<never> {
  const config = loadConfig(process.env, {
    port: str(flags.port),
    host: str(flags.host),
    services: str(flags.services),
    dataDir: str(flags['data-dir']),
    logLevel: str(flags['log-level']),
  });
  const logger = createLogger({ level: config.logLevel, instanceId: config.instanceId, services: config.services });
  let running;
  try {
    running = await serve(config, logger, ALL_SERVICES);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    throw new CliError(ExitCode.Unavailable, `could not start: ${(error as Error).message}`);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(ExitCode.Failure);
    }
    const deadline = setTimeout(() => {
      logger.error({ graceMs: config.shutdownGraceMs }, 'in-flight work did not finish within the grace period; exiting');
      process.exit(ExitCode.Failure);
    }, config.shutdownGraceMs);
    deadline.unref();
    running.stop(signal).then(
      () => process.exit(ExitCode.Ok),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(ExitCode.Failure);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return new Promise<never>(() => undefined);
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
