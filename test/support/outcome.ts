/** How a call ended: `'resolved'`, or the domain error's stable code. Lets races be counted. */
export const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code ?? String(error),
  );
