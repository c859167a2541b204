import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation, failedResponse } from './admin-http.client.js';
import { type UploadTransport, uploadFile } from './content-upload.client.js';
import { printResult } from './output.js';

export const CONTENT_USAGE = `watershed content upload PATH... | show SHA256 | delete SHA256

  upload PATH...    streams each file to the server (PUT /api/v1/content/{sha256}); a file the server
                    holds already is not sent again. Prints each file's SHA-256, which
                    \`updates publish --file\` and \`updates import\` use for you
  show SHA256       size and digests of an uploaded file
  delete SHA256     removes an uploaded file; refused (CONTENT.IN_USE, exit code 5) while a
                    revision in the catalog has it as a file or license file
  Progress bars go to stderr, only on a terminal and never with --json.
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed content` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const CONTENT_OPERATIONS = [
  'PUT /api/v1/content/{sha256}',
  'GET /api/v1/content/{sha256}',
  'DELETE /api/v1/content/{sha256}',
] as const satisfies readonly AdminOperation[];
const call = adminCalls(CONTENT_OPERATIONS);

/** Uploads through this command's operations; `updates publish` and `updates import` upload with it too. */
export const CONTENT_TRANSPORT: UploadTransport = {
  probe: (connection, sha256) => call.raw(connection, 'GET /api/v1/content/{sha256}', { params: { sha256 }, head: true }),
  put: (connection, sha256, body, length) =>
    call.raw(connection, 'PUT /api/v1/content/{sha256}', { params: { sha256 }, stream: { body, contentType: 'application/octet-stream', length } }),
};

interface ContentView {
  sha256: string;
  sha1: string;
  size: number;
}

export async function contentCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, ...args] = positionals;
  const json = flags.json === true;
  if (action !== 'upload' && action !== 'show' && action !== 'delete') {
    throw new CliError(ExitCode.Usage, `unknown content action ${JSON.stringify(action ?? '')}\n\n${CONTENT_USAGE}`);
  }
  if (args.length === 0) throw new CliError(ExitCode.Usage, `content ${action} needs ${action === 'upload' ? 'at least one PATH' : 'a SHA256'}\n\n${CONTENT_USAGE}`);
  const connection = adminConnection(flags);
  switch (action) {
    case 'upload': {
      const uploaded = [];
      for (const file of args) uploaded.push(await uploadFile(connection, CONTENT_TRANSPORT, file, json));
      printResult(json, { uploads: uploaded }, {
        headers: ['FILE', 'SHA256', 'SIZE', 'STORED'],
        rows: uploaded.map((u) => [u.path, u.sha256, String(u.size), u.created ? 'uploaded' : 'already held']),
      });
      return;
    }
    case 'show': {
      const sha256 = digestArgument(args);
      const response = await CONTENT_TRANSPORT.probe(connection, sha256);
      if (response.status === 404) throw new CliError(ExitCode.Refused, `CONTENT.NOT_FOUND: no content with SHA-256 ${sha256} is uploaded`);
      if (!response.ok) await failedResponse(response);
      const view: ContentView = { sha256: response.headers.get('x-content-sha256') ?? sha256, sha1: response.headers.get('x-content-sha1') ?? '', size: Number(response.headers.get('content-length') ?? 0) };
      printResult(json, view, { headers: ['SHA256', 'SHA1', 'SIZE'], rows: [[view.sha256, view.sha1, String(view.size)]] });
      return;
    }
    case 'delete': {
      const sha256 = digestArgument(args);
      const { body } = await call.json<ContentView & { deleted: boolean }>(connection, 'DELETE /api/v1/content/{sha256}', { params: { sha256 } });
      printResult(json, body, { headers: ['SHA256', 'SIZE', 'STATE'], rows: [[body.sha256, String(body.size), 'deleted']] });
      return;
    }
  }
}

function digestArgument(args: string[]): string {
  const sha256 = args[0]!.toLowerCase();
  if (args.length > 1 || !/^[0-9a-f]{64}$/.test(sha256)) throw new CliError(ExitCode.Usage, `expected one SHA-256 (64 hex digits), got ${JSON.stringify(args.join(' '))}`);
  return sha256;
}
