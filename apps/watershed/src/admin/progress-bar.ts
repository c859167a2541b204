/** Where a bar is drawn: stderr in practice; anything with isTTY and write in tests. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** Work done so far, in the bar's unit. */
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/** Redrawing more often than this only costs terminal bandwidth; nobody reads faster. */
const REDRAW_INTERVAL_MS = 100;
const BAR_WIDTH = 30;

const NO_PROGRESS: Progress = { update: () => undefined, finish: () => undefined };

/**
 * A one-line progress bar on a terminal (`label [#####-----]  45%  12.0/27.0 MiB`), redrawn in place.
 * Only on a TTY and never under --json: in a pipe, a log file or CI carriage returns are noise, so
 * there the bar draws nothing at all.
 */
export function progressBar(output: ProgressOutput, label: string, total: number, options: { readonly json?: boolean; readonly unit?: 'bytes' | 'items' } = {}): Progress {
  if (output.isTTY !== true || options.json === true) return NO_PROGRESS;
  const unit = options.unit ?? 'bytes';
  let done = 0;
  let drawnAt = 0;
  const draw = (): void => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const amount = unit === 'bytes' ? `${mebibytes(done)}/${mebibytes(total)} MiB` : `${done}/${total}`;
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${amount}`;
    const width = output.columns || 80; // 0 when a pseudo-terminal reports no size
    output.write(`\r${line.length >= width ? line.slice(0, width - 1) : line.padEnd(width - 1)}`);
  };
  return {
    update(value: number): void {
      done = value;
      const now = Date.now();
      if (now - drawnAt < REDRAW_INTERVAL_MS) return;
      drawnAt = now;
      draw();
    },
    finish(): void {
      done = Math.max(done, total);
      draw();
      output.write('\n');
    },
  };
}

function mebibytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
