/** How a job run tells its use case when to stop taking new work. */
export interface Progress {
  /** False once the run should stop taking new work. */
  inTime(): boolean;
}

export interface Tally {
  /** Items looked at. */
  scanned: number;
  changed: number;
  failed: number;
  /** True when the run stopped at its deadline with items left; the next run resumes. */
  truncated: boolean;
}

/**
 * Works through a job's queue one item at a time while the run is in time, counting each item
 * looked at; `handle` counts what it changed or failed in the tally it is given.
 */
export const drain = async <T>(
  items: AsyncIterable<T>,
  progress: Progress,
  handle: (item: T, tally: Tally) => Promise<void>,
  tally: Tally = { scanned: 0, changed: 0, failed: 0, truncated: false },
): Promise<Tally> => {
  for await (const item of items) {
    if (!progress.inTime()) {
      tally.truncated = true;
      break;
    }
    tally.scanned++;
    await handle(item, tally);
  }
  return tally;
};
