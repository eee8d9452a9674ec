import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through in front of DynamoDB Local that records each request's operation (from
 * `X-Amz-Target`), so a test counts the round trips a use case really makes, from outside the
 * code under test.
 */
export const startCountingProxy = async (target: string) => {
  const upstream = new URL(target);
  const operations: string[] = [];
  const server = createServer((req, res) => {
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    operations.push(operation);
    const forward = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    operations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
