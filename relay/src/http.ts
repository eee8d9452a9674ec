import type { IncomingMessage, ServerResponse } from 'node:http';
import { Refusal } from './seats.ts';

/** The relay's HTTP answers, in the same shapes as Tessera's. */
const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Problems in Tessera's own form (RFC 9457 with a stable `code`), so instances see no difference. */
export const problem = (
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  extra = {},
) => {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({
      type: 'about:blank',
      title: titles[status] ?? 'Error',
      status,
      detail,
      code,
      ...extra,
    }),
  );
};

export const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 65_536) reject(new Refusal(413, 'PAYLOAD_TOO_LARGE', 'Body too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
