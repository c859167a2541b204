/**
 * Loaded into the benchmarked Watershed process (`node --import`, processes.ts), never into a
 * deployment: every HTTP response gets `Server-Timing: app;dur=<ms>`, the time from Node having
 * parsed the request's headers to the response's headers being written. The fleet records it beside
 * its own timing of the call, so a slow answer can be told to be the server's or the client's (one
 * bench process simulates every computer, and its own event loop delays what it measures).
 *
 * A request that carries `X-Bench-Sent-Ns` (the fleet's send time on the machine's monotonic clock,
 * `process.hrtime.bigint()`, which every process on one machine shares) also gets `queue;dur=<ms>`:
 * from that send to Node having parsed the headers, i.e. the network and the wait for the server's
 * event loop, the part a server-timed figure alone leaves out.
 *
 * It hooks Node's HTTP diagnostics channel, so the product's code is not touched; the cost is two
 * clock reads and one header per response.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

const SENT_HEADER = 'x-bench-sent-ns';

subscribe('http.server.request.start', (message) => {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  const started = process.hrtime.bigint();
  const sentValue = request.headers[SENT_HEADER];
  const sent = typeof sentValue === 'string' && /^\d{1,20}$/.test(sentValue) ? BigInt(sentValue) : null;
  const queue = sent === null || sent > started ? '' : `queue;dur=${(Number(started - sent) / 1e6).toFixed(2)}, `;
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) this.setHeader('Server-Timing', `${queue}app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}`);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
});
