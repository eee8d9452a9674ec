/** The RFC 9457 `type` of a problem: a URN naming its stable code. Shared by every producer. */
export const problemType = (code: string): string =>
  `urn:tessera:problem:${code.toLowerCase().replaceAll('_', '-')}`;
