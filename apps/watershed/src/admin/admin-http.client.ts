import { CliError, ExitCode } from '../exit-codes.js';

/**
 * The CLI's side of the admin REST API. Server and token come from flags or the environment
 * (WATERSHED_SERVER, WATERSHED_TOKEN), never from a file the CLI invents.
 */
export interface AdminConnection {
  readonly server: string;
  readonly token: string;
}

export const DEFAULT_ADMIN_SERVER = 'http://127.0.0.1:8530';

export function adminConnection(flags: Record<string, string | boolean | undefined>): AdminConnection {
  const server = (typeof flags.server === 'string' ? flags.server : process.env.WATERSHED_SERVER) ?? DEFAULT_ADMIN_SERVER;
  const token = typeof flags.token === 'string' ? flags.token : process.env.WATERSHED_TOKEN;
  if (!/^https?:\/\/[^/\s]+\/?$/.test(server)) throw new CliError(ExitCode.Usage, `--server must be http(s)://host[:port], got ${JSON.stringify(server)}`);
  if (!token) throw new CliError(ExitCode.Usage, 'an admin token is required: --token or WATERSHED_TOKEN (one of the server\'s WATERSHED_ADMIN_TOKENS)');
  return { server: server.replace(/\/$/, ''), token };
}

export async function adminRequest<T>(
  connection: AdminConnection,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ body: T; etag: string | null }> {
  let response: Response;
  try {
    response = await fetch(`${connection.server}${path}`, {
      method,
      headers: { authorization: `Bearer ${connection.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(ExitCode.Unavailable, `cannot reach ${connection.server}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
  }
  const text = await response.text();
  const parsed = text ? safeJson(text) : null;
  if (response.ok) return { body: parsed as T, etag: response.headers.get('etag') };
  const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
  const message = `${error?.code ?? `HTTP ${response.status}`}: ${error?.message ?? text.slice(0, 300)}`;
  if (response.status === 401 || response.status === 403) throw new CliError(ExitCode.Unauthorized, message);
  if (response.status >= 400 && response.status < 500) throw new CliError(ExitCode.Refused, message);
  throw new CliError(ExitCode.Failure, message);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 300) } };
  }
}
