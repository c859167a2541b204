import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Sends the status and headers set on `reply`, then lets `body` write the rest straight to the
 * socket and ends the response (file-range.writer.ts reuses its read buffers, which a stream handed
 * to Fastify could not). A failure after the headers can only cut the response short: the
 * connection is closed, so the client sees fewer bytes than Content-Length promised and retries.
 * `onFailure` hears of it unless the client had already gone away (BITS cancels and resumes: routine).
 */
export async function sendHijacked(reply: FastifyReply, body: (out: ServerResponse) => Promise<void>, onFailure?: (error: unknown) => void): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) out.setHeader(name, value);
  out.writeHead(reply.statusCode);
  try {
    await body(out);
    out.end();
  } catch (error) {
    if (!out.destroyed) onFailure?.(error);
    out.destroy();
  }
}
