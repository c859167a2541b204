/**
 * Loaded into the benchmarked Watershed process (`node --import`, processes.ts), never into a
 * deployment: every HTTP response gets `Server-Timing: app;dur=<ms>`, the time from Node having
 * parsed the request's headers to the response's headers being written. The fleet records it beside
 * its own timing of the call, so a slow answer can be told to be the server's or the client's (one
 * bench process simulates every computer, and its own event loop delays what it measures).
 *
 * It hooks Node's HTTP diagnostics channel, so the product's code is not touched; the cost is one
 * clock read and one header per response.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

subscribe('http.server.request.start', (message) => {
  const { response } = message as { request: IncomingMessage; response: ServerResponse };
  const started = performance.now();
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) this.setHeader('Server-Timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
});
