import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Api } from '../../lambdas/adapters/aws/services.ts';
import { s3Files } from '../../lambdas/adapters/files.ts';

/**
 * The file store over S3's REST API, against a stand-in that checks what S3 checks on the wire:
 * the bucket in the path (path style with an endpoint), a signed request whose payload hash
 * matches the body, and S3's XML errors.
 */
const objects = new Map<string, { body: Buffer; type: string }>();
const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
let endpoint = '';
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const key = decodeURIComponent(req.url ?? '');
    if (req.method === 'PUT') {
      objects.set(key, { body, type: String(req.headers['content-type']) });
      res.writeHead(200).end();
      return;
    }
    const found = objects.get(key);
    if (!found) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
      );
      return;
    }
    res.writeHead(200, { 'content-type': found.type }).end(found.body);
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const files = () =>
  s3Files(
    s3Api({
      region: 'eu-west-1',
      bucket: 'tessera-dev-files',
      endpoint,
      credentials: () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
    }),
  );

describe('files in S3', () => {
  it('puts and gets an object byte for byte, signed with the hash of its bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 200, 255]);
    await files().put('attachments/att_x ü', bytes, 'application/pdf');
    const back = await files().get('attachments/att_x ü');
    expect(Buffer.from(back ?? [])).toEqual(Buffer.from(bytes));
    const put = seen.find((r) => r.method === 'PUT');
    expect(put?.url).toBe('/tessera-dev-files/attachments/att_x%20%C3%BC');
    expect(put?.headers['content-type']).toBe('application/pdf');
    expect(put?.headers['x-amz-content-sha256']).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    expect(String(put?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/s3\/aws4_request/,
    );
  });

  it('answers nothing for a key S3 does not have (NoSuchKey)', async () => {
    expect(await files().get('attachments/missing')).toBeUndefined();
  });
});
