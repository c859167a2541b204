/**
 * The ceiling the benchmark compares against, run as its own process on the same HTTP stack as
 * Watershed (Fastify) with no application logic:
 * - `/Content/XX/<file>`: the same files with the same single-range semantics, a range's bytes
 *   written as Watershed writes them (file-range.writer.ts), with no lookup, validators or logging;
 * - `--replay FILE`: every recorded SOAP exchange answered with its recorded response bytes
 *   (same status, same Content-Encoding), looked up by the request's path and body.
 * Whatever Watershed loses to this is what our application costs.
 * Usage: ceiling-server [--content DIR] [--replay FILE]  (prints {"port":N} when ready).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { writeFileSegments } from '../../libs/soap-gateway/src/content/file-range.writer.js';
import { sendHijacked } from '../../libs/soap-gateway/src/content/hijacked-response.js';
import { exchangeKey } from './ceiling-key.js';

const { values } = parseArgs({ options: { content: { type: 'string' }, replay: { type: 'string' } }, strict: true });


interface Recorded {
  readonly status: number;
  readonly encoding: string | null;
  readonly body: Buffer;
}

const answers = new Map<string, Recorded>();
if (values.replay) {
  for (const line of readFileSync(values.replay, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { key: string; status: number; encoding: string | null; body: string };
    answers.set(r.key, { status: r.status, encoding: r.encoding, body: Buffer.from(r.body, 'base64') });
  }
}

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.addContentTypeParser(/^text\/xml|^application\/soap\+xml/, { parseAs: 'string' }, (_req, body, done) => done(null, body));

app.post('/*', async (request, reply) => {
  const found = answers.get(exchangeKey(request.url, request.body as string));
  if (!found) return reply.code(404).send('not recorded');
  reply.code(found.status).header('content-type', 'text/xml; charset=utf-8');
  if (found.encoding) reply.header('content-encoding', found.encoding);
  return reply.send(found.body);
});

const contentDir = values.content;
app.route({
  method: ['GET', 'HEAD'],
  url: '/Content/:dir/:file',
  handler: async (request, reply) => {
    const { dir, file } = request.params as { dir: string; file: string };
    if (!contentDir || !/^[0-9A-F]{2}$/i.test(dir) || !/^[0-9A-F]{40}\.[a-z0-9]+$/i.test(file)) return reply.code(404).send();
    const full = path.join(contentDir, dir.toUpperCase(), file);
    let size: number;
    try {
      size = statSync(full).size;
    } catch {
      return reply.code(404).send();
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    reply.header('accept-ranges', 'bytes');
    if (!range) {
      reply.header('content-length', size);
      return request.method === 'HEAD' ? reply.send() : reply.send(createReadStream(full));
    }
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    // The body as Watershed writes it (pooled chunks straight to the socket, file-range.writer.ts):
    // the fastest raw serving this stack has, so the ratio is what Watershed's own logic costs. A
    // read stream handed to Fastify served 64 clients at ~0.8 of that (docs/benchmarks.md).
    reply.code(206).header('content-length', end - start + 1).header('content-range', `bytes ${start}-${end}/${size}`);
    await sendHijacked(reply, (out) => writeFileSegments(full, [{ start, end }], out));
    return reply;
  },
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port), recorded: answers.size })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
