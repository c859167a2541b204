import { loadConfig } from '#platform/config';

export function configCheckCommand(): void {
  const config = loadConfig(process.env);
  const shown = {
    ...config,
    store: config.store.kind === 'postgres' ? { kind: 'postgres', url: redactUrl(config.store.url) } : config.store,
    cookieKeys: config.cookieKeys ? config.cookieKeys.map((k) => `${k.id}:***`) : null,
    adminTokens: config.adminTokens.map(() => '***'),
  };
  process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}
