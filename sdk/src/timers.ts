export type Timer = ReturnType<typeof setTimeout>;

/** A timer that does not keep a Node process alive (browsers have no such notion). */
export const later = (ms: number, run: () => void): Timer => {
  const timer = setTimeout(run, Math.max(0, ms));
  const handle = timer as unknown as { unref?: () => void };
  if (typeof handle === 'object' && typeof handle.unref === 'function') handle.unref();
  return timer;
};
