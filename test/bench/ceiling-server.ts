/**
 * The ceiling the benchmark compares against, run as its own process: raw node:http serving the
 * same files with the same range semantics and no application logic. Whatever Watershed loses to
 * this is what our stack costs. Usage: ceiling-server <contentDir> (prints {"port":N} when ready).
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const contentDir = process.argv[2];
if (!contentDir) {
  process.stderr.write('usage: ceiling-server <contentDir>\n');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  const match = /^\/Content\/([0-9A-F]{2})\/([0-9A-F]{40}\.[a-z0-9]+)$/i.exec(req.url ?? '');
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  const file = path.join(contentDir, match[1]!.toUpperCase(), match[2]!);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (!range) {
    res.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return;
  }
  const start = Number(range[1]);
  const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' });
  createReadStream(file, { start, end, highWaterMark: 1024 * 1024 }).pipe(res);
});
server.keepAliveTimeout = 75_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
