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

/** The same call, answering its status and its JSON body (an empty object for no body). */
export const adminJson =
  (platform: () => { url: string; adminToken?: string | undefined }) =>
  async (method: string, path: string, body?: unknown) => {
    const response = await adminApi(platform)(method, path, body);
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read the answers they check field by field
    const json = (text ? JSON.parse(text) : {}) as Record<string, any>;
    return { status: response.status, json };
  };
