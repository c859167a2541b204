import { CliError, ExitCode } from '../exit-codes.js';
import { adminConnection, adminRequest } from './admin-http.client.js';
import { failed, uploadFile } from './content-upload.client.js';
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
      for (const file of args) uploaded.push(await uploadFile(connection, file, json));
      printResult(json, { uploads: uploaded }, {
        headers: ['FILE', 'SHA256', 'SIZE', 'STORED'],
        rows: uploaded.map((u) => [u.path, u.sha256, String(u.size), u.created ? 'uploaded' : 'already held']),
      });
      return;
    }
    case 'show': {
      const sha256 = digestArgument(args);
      let response: Response;
      try {
        response = await fetch(`${connection.server}/api/v1/content/${sha256}`, { method: 'HEAD', headers: { authorization: `Bearer ${connection.token}` }, signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        throw new CliError(ExitCode.Unavailable, `cannot reach ${connection.server}: ${(error as Error).message}`);
      }
      if (response.status === 404) throw new CliError(ExitCode.Refused, `CONTENT.NOT_FOUND: no content with SHA-256 ${sha256} is uploaded`);
      if (!response.ok) await failed(response, connection);
      const view: ContentView = { sha256: response.headers.get('x-content-sha256') ?? sha256, sha1: response.headers.get('x-content-sha1') ?? '', size: Number(response.headers.get('content-length') ?? 0) };
      printResult(json, view, { headers: ['SHA256', 'SHA1', 'SIZE'], rows: [[view.sha256, view.sha1, String(view.size)]] });
      return;
    }
    case 'delete': {
      const sha256 = digestArgument(args);
      const { body } = await adminRequest<ContentView & { deleted: boolean }>(connection, 'DELETE', `/api/v1/content/${sha256}`);
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
