import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** Bytes read from the file per write: four per 1 MiB range, the size clients ask for. */
export const RANGE_CHUNK_BYTES = 256 * 1024;
/** Chunks kept for reuse: 16 MiB at most, enough for 64 downloads at once; past it a chunk is made and dropped. */
const POOL_MAX_CHUNKS = 64;

/**
 * Reusable read buffers. A read stream allocates a fresh buffer for every read, outside V8's heap,
 * and V8 collects the young generation whenever enough such memory has been allocated: serving
 * 1 MiB ranges that way cost one scavenge per ~23 MiB sent, 2–7 ms each in the all-in-one process,
 * 18 % of its CPU with 64 clients downloading (docs/benchmarks.md, content serving). A chunk taken
 * from here goes back once the socket has taken its bytes (the write's callback), so a download
 * allocates nothing once the pool is warm.
 */
class ChunkPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(RANGE_CHUNK_BYTES);
  }

  give(chunk: Buffer): void {
    if (this.free.length < POOL_MAX_CHUNKS) this.free.push(chunk);
  }
}

const pool = new ChunkPool();

/** A write that settles when the destination has taken the bytes (or failed): only then may the chunk be reused. */
function written(out: Writable, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(bytes, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

/** Bytes `start`..`end` (inclusive) of a file, after `before` when there is one (a multipart part's header). */
export interface FileSegment {
  readonly start: number;
  readonly end: number;
  readonly before?: string;
}

/**
 * Writes the segments of the file to `out` in order, the file opened once, one pooled chunk at a
 * time: the next chunk is read while the previous one is being written, and at most one write is
 * outstanding, which is also the backpressure. Does not end `out`. Rejects when the file cannot be
 * read, ends early (it changed under us), or `out` fails or is destroyed (the client went away).
 */
export async function writeFileSegments(path: string, segments: readonly FileSegment[], out: Writable): Promise<void> {
  const file = await open(path, 'r');
  let pending: Promise<void> | null = null;
  const gone = (): Error => new Error('the response was closed before the body was sent');
  try {
    for (const { start, end, before } of segments) {
      if (out.destroyed) throw gone();
      // Queued behind the chunk still being written: the stream keeps the order.
      if (before !== undefined) out.write(before);
      for (let position = start; position <= end; ) {
        if (out.destroyed) throw gone();
        const chunk = pool.take();
        let inFlight = false;
        try {
          const { bytesRead } = await file.read(chunk, 0, Math.min(RANGE_CHUNK_BYTES, end - position + 1), position);
          if (bytesRead === 0) throw new Error(`${path} ended at byte ${position}, before ${end + 1}`);
          await pending;
          const write = written(out, chunk.subarray(0, bytesRead)).finally(() => pool.give(chunk));
          // It may fail (the client hung up) while the next chunk is being read, before anyone awaits
          // it: handled here so that is not an unhandled rejection; awaiting it below still throws.
          write.catch(() => undefined);
          pending = write;
          inFlight = true;
          position += bytesRead;
        } finally {
          // A chunk whose write never started is free at once; one being written returns when its write settles.
          if (!inFlight) pool.give(chunk);
        }
      }
    }
    await pending;
  } finally {
    await file.close();
  }
}
