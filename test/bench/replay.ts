import { writeFileSync } from 'node:fs';
import { decompressXpress } from '#wsus-codecs';
import { parseResponse } from '../support/wua-client/wua-xml.js';
import { exchangeKey } from './ceiling-key.js';
import type { Exchange } from './fleet.js';
import { LatencyRecorder, round } from './stats.js';

export interface ReplayResult {
  readonly target: 'watershed' | 'ceiling';
  readonly concurrency: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly latencyMs: ReturnType<LatencyRecorder['summary']>;
  readonly errors: number;
}

/** Writes the recorded exchanges in the ceiling server's replay format (one JSON object a line). */
export function writeReplayFile(file: string, exchanges: readonly Exchange[]): void {
  writeFileSync(
    file,
    exchanges.map((e) => JSON.stringify({ key: exchangeKey(e.url, e.requestBody), status: e.status, encoding: e.contentEncoding, body: e.responseBody.toString('base64') })).join('\n') + '\n',
  );
}

/**
 * Sends the recorded requests, in order, `passes` times over, with `concurrency` in flight, and does
 * the client's work on each answer (Xpress decode, XML parse) so both targets carry the same client
 * cost. Watershed must answer 200; the ceiling must answer the recorded bytes.
 */
export async function replayExchanges(baseUrl: string, target: ReplayResult['target'], exchanges: readonly Exchange[], concurrency: number, passes: number): Promise<ReplayResult> {
  const recorder = new LatencyRecorder();
  const total = exchanges.length * passes;
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const e = exchanges[next++ % exchanges.length]!;
        const operation = e.soapAction.replace(/"/g, '').split('/').pop() ?? 'unknown';
        const t0 = performance.now();
        try {
          const response = await fetch(`${baseUrl}${e.url}`, {
            method: 'POST',
            headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: e.soapAction, ...(e.acceptEncoding ? { 'Accept-Encoding': e.acceptEncoding } : {}) },
            body: e.requestBody,
          });
          let raw: Buffer = Buffer.from(await response.arrayBuffer());
          bytes += raw.length;
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
          if (target === 'ceiling' && !raw.equals(e.responseBody)) throw new Error('not the recorded bytes');
          if (response.headers.get('content-encoding') === 'xpress') raw = decompressXpress(raw);
          parseResponse(raw.toString('utf8'));
          recorder.record(operation, performance.now() - t0);
        } catch {
          recorder.error(operation);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const latencyMs = recorder.summary();
  const requests = Object.values(latencyMs).reduce((n, s) => n + s.count, 0);
  return { target, concurrency, requests, requestsPerSecond: round(requests / seconds, 1), megabytesPerSecond: round(bytes / 1024 / 1024 / seconds, 2), latencyMs, errors: recorder.totalErrors };
}
