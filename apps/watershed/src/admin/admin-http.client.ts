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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One admin API operation, spelled as /api/openapi.json spells it: `METHOD /api/v1/path/{param}`.
 * Commands name the operation they call (not a built path), so which command covers which route is
 * checkable against the served OpenAPI document (see cli-coverage.ts).
 */
export type AdminOperation = `${HttpMethod} /api/${string}`;

export interface AdminCall {
  /** Values for the `{name}` placeholders of the operation's path (URL-encoded here). */
  readonly params?: Readonly<Record<string, string>>;
  /** Query parameters; undefined ones are left out. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What `raw` adds to a call: HEAD instead of GET, or a streamed body instead of JSON. */
export interface RawCall {
  readonly head?: boolean;
  readonly stream?: { readonly body: ReadableStream<Uint8Array>; readonly contentType: string; readonly length: number };
}

/** A refused or failed answer as the CLI error with the documented exit code (401/403 → 6, 4xx → 5, else 1). */
export async function failedResponse(response: Response): Promise<never> {
  const text = await response.text().catch(() => '');
  const parsed = text ? safeJson(text) : null;
  const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
  const message = `${error?.code ?? `HTTP ${response.status}`}: ${error?.message ?? (text.slice(0, 300) || response.statusText)}`;
  if (response.status === 401 || response.status === 403) throw new CliError(ExitCode.Unauthorized, message);
  if (response.status >= 400 && response.status < 500) throw new CliError(ExitCode.Refused, message);
  throw new CliError(ExitCode.Failure, message);
}

export function adminConnection(flags: Record<string, string | boolean | undefined>): AdminConnection {
  const server = (typeof flags.server === 'string' ? flags.server : process.env.WATERSHED_SERVER) ?? DEFAULT_ADMIN_SERVER;
  const token = typeof flags.token === 'string' ? flags.token : process.env.WATERSHED_TOKEN;
  if (!/^https?:\/\/[^/\s]+\/?$/.test(server)) throw new CliError(ExitCode.Usage, `--server must be http(s)://host[:port], got ${JSON.stringify(server)}`);
  if (!token) throw new CliError(ExitCode.Usage, 'an admin token is required: --token or WATERSHED_TOKEN (one of the server\'s WATERSHED_ADMIN_TOKENS)');
  return { server: server.replace(/\/$/, ''), token };
}

/** The request path of an operation: placeholders filled in, query appended. */
export function operationPath(operation: AdminOperation, call: AdminCall = {}): { method: HttpMethod; path: string } {
  const space = operation.indexOf(' ');
  const method = operation.slice(0, space) as HttpMethod;
  const path = operation.slice(space + 1).replace(/\{([^}]+)\}/g, (_all, name: string) => {
    const value = call.params?.[name];
    // A programming error, not a user's: every command checks its arguments before calling.
    if (value === undefined) throw new Error(`${operation}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(Object.entries(call.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return { method, path: query ? `${path}?${query}` : path };
}

/**
 * A caller limited to the operations a command declares: calling an undeclared one does not
 * type-check, so a command's declaration (its `*_OPERATIONS`) is never short of what it calls.
 */
export function adminCalls<const Operations extends readonly AdminOperation[]>(_declared: Operations) {
  return {
    /** The answer as JSON. */
    json: async <T>(connection: AdminConnection, operation: Operations[number], call: AdminCall = {}): Promise<{ body: T; etag: string | null }> => {
      const { method, path } = operationPath(operation, call);
      return adminRequest<T>(connection, method, path, call.body, { ...call.headers });
    },
    /**
     * The response itself, whatever its status, for what JSON cannot carry: a streamed request body
     * (content uploads, no overall deadline: the server cuts stalled ones) or only the headers (HEAD
     * on a GET operation). Only an unreachable server throws here.
     */
    raw: async (connection: AdminConnection, operation: Operations[number], call: AdminCall & RawCall = {}): Promise<Response> => {
      const { method, path } = operationPath(operation, call);
      if (call.head === true && method !== 'GET') throw new Error(`${operation}: HEAD only goes with a GET operation`);
      try {
        return await fetch(`${connection.server}${path}`, {
          method: call.head === true ? 'HEAD' : method,
          headers: {
            authorization: `Bearer ${connection.token}`,
            ...(call.stream === undefined ? {} : { 'content-type': call.stream.contentType, 'content-length': String(call.stream.length) }),
            ...call.headers,
          },
          ...(call.stream === undefined ? { signal: AbortSignal.timeout(30_000) } : { body: call.stream.body, duplex: 'half' }),
        } as RequestInit);
      } catch (error) {
        const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
        throw new CliError(ExitCode.Unavailable, `cannot reach ${connection.server}: ${cause}`);
      }
    },
    /** The answer as text (a CSV export), with its headers. */
    text: async (connection: AdminConnection, operation: Operations[number], call: AdminCall = {}): Promise<{ text: string; headers: Headers }> => {
      const { method, path } = operationPath(operation, call);
      return send(connection, method, path, call.body, { ...call.headers });
    },
  };
}

/**
 * The low-level request. Commands use adminCalls(THEIR_OPERATIONS) instead, so that what they call is
 * declared (cli-coverage.spec.ts refuses adminRequest in a *.command.ts).
 */
export async function adminRequest<T>(
  connection: AdminConnection,
  method: HttpMethod,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ body: T; etag: string | null }> {
  const { text, headers: answered } = await send(connection, method, path, body, headers);
  return { body: (text ? safeJson(text) : null) as T, etag: answered.get('etag') };
}

async function send(
  connection: AdminConnection,
  method: HttpMethod,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ text: string; headers: Headers }> {
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
  if (response.ok) return { text, headers: response.headers };
  const parsed = text ? safeJson(text) : null;
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
