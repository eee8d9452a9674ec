/** Calls a local Tessera as its first administrator (the token `npm start` printed once). */
export const adminApi =
  (platform: () => { url: string; adminToken?: string | undefined }) =>
  (method: string, path: string, body?: unknown) =>
    fetch(`${platform().url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${platform().adminToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
