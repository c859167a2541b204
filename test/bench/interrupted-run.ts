/**
 * What an interrupted run (a SIGTERM from a test's timeout, ^C) undoes before it exits: the servers it
 * started with their cgroups, and its scenarios' databases and data directories. A scenario's own
 * `finally` undoes them on every other path; the signal handler cannot wait for that (the scenario is
 * in the middle of an await), so each is registered here when made and forgotten once undone.
 */
type Undo = () => Promise<void> | void;

const pending = new Set<{ readonly undo: Undo }>();

/**
 * Registers `undo` for an interrupted run; the function returned runs it once (later calls do
 * nothing) and forgets it, for the scenario's own `finally` and exit paths.
 */
export function undoOnInterrupt(undo: Undo): () => Promise<void> {
  const entry = { undo };
  pending.add(entry);
  return async () => {
    if (!pending.delete(entry)) return;
    await undo();
  };
}

/**
 * Undoes everything still registered, newest first: a server stops before its database is dropped
 * and its data directory removed. A failure is reported and the rest still undone.
 */
export async function undoInterruptedRun(report: (line: string) => void): Promise<void> {
  for (const entry of [...pending].reverse()) {
    pending.delete(entry);
    try {
      await entry.undo();
    } catch (error) {
      report(`interrupted run: could not undo a step (${(error as Error).message})`);
    }
  }
}
