import { request } from 'node:http';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Handler, type LocalServer, startLocalServer } from '../../bin/local/server.ts';
import { skipContractChecks } from '../support/contract.ts';

/**
 * The local gateway on its own, with stand-in handlers: what reaches a handler is the event API
 * Gateway would send, failures become the gateway's 5xx, logs keep secrets out, and close()
 * waits for requests in flight.
 */
const seen: { event: APIGatewayProxyEvent; context: Context }[] = [];
const logs: Record<string, unknown>[] = [];
let release: () => void = () => undefined;
let waiting = false;

const echo: Handler = async (event, context) => {
  seen.push({ event, context });
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
    body: JSON.stringify({ ok: true }),
  };
};

const stubs: Record<string, Handler> = {
  meta: echo,
  products: echo,
  customers: async () => {
    throw new Error('boom');
  },
  tokens: async () => ({ nonsense: true }) as never,
  audit: async () => {
    await new Promise<void>((resolve) => {
      release = resolve;
      waiting = true;
    });
    return { statusCode: 200, body: 'late but complete' };
  },
};

let server: LocalServer;

beforeAll(async () => {
  skipContractChecks();
  server = await startLocalServer({
    port: 0,
    corsOrigins: [],
    log: (line) => logs.push(line),
    loadHandler: async (group) => stubs[group] ?? echo,
  });
});

afterAll(async () => {
  await server?.close(1_000);
});

const last = () => {
  const entry = seen.at(-1);
  if (!entry) throw new Error('no handler call');
  return entry;
};

describe('the local gateway (stand-in handlers)', () => {
  it('hands the handler a REST API proxy event: route template, decoded path parameters, all header and query values, stage-free path', async () => {
    // node:http, because fetch folds a repeated header into one line before sending it.
    const response = await new Promise<{ status?: number; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const req = request(`${server.url}/products/CALL%20CENTER?tag=a&tag=b&limit=5`, {
          method: 'PATCH',
        });
        req.setHeader('X-Custom', ['one', 'two']);
        req.setHeader('Content-Type', 'application/json');
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
        });
        req.on('error', reject);
        req.end('{"name":"x"}');
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const { event, context } = last();
    expect(event).toMatchObject({
      resource: '/products/{code}',
      path: '/products/CALL%20CENTER',
      httpMethod: 'PATCH',
      pathParameters: { code: 'CALL CENTER' },
      queryStringParameters: { tag: 'b', limit: '5' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], limit: ['5'] },
      body: '{"name":"x"}',
      isBase64Encoded: false,
      requestContext: {
        resourcePath: '/products/{code}',
        httpMethod: 'PATCH',
        stage: 'v1',
        path: '/products/CALL%20CENTER',
        identity: { sourceIp: expect.any(String) },
      },
    });
    // Header names keep the client's case; a repeated header keeps its last value in `headers`.
    expect(event.headers['X-Custom']).toBe('two');
    expect(event.multiValueHeaders['X-Custom']).toEqual(['one', 'two']);
    expect(event.requestContext.requestId).toBe(response.headers['x-amzn-requestid']);
    expect(context.awsRequestId).toBe(event.requestContext.requestId);
    expect(context.functionName).toBe('tessera-products');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('sends null query maps and a null body when there are none, and binary bodies as base64', async () => {
    await fetch(`${server.url}/health`);
    expect(last().event).toMatchObject({
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      body: null,
      isBase64Encoded: false,
    });
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    await fetch(`${server.url}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(last().event.isBase64Encoded).toBe(true);
    expect(Buffer.from(last().event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('turns a throwing handler into a 502 problem with a log line, and keeps serving', async () => {
    const response = await fetch(`${server.url}/customers`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 502, title: 'Bad Gateway' });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'ERROR', group: 'customers', error: 'Error: boom' }),
    );
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('turns a malformed handler result into a 502 problem', async () => {
    const response = await fetch(`${server.url}/tokens`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('never logs a request body, a query string or the Authorization header', async () => {
    const secret = 'tsr_secret_that_must_not_leak';
    await fetch(`${server.url}/products?key=${secret}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ licenseKey: secret }),
    });
    await fetch(`${server.url}/customers?key=${secret}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    await fetch(`${server.url}/nowhere/${secret}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    const written = JSON.stringify(logs);
    expect(written).not.toContain(secret);
    expect(written.toLowerCase()).not.toContain('bearer');
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'request', route: '/products', status: 200 }),
    );
  });

  it('close() stops accepting but lets a request in flight finish', async () => {
    const inFlight = fetch(`${server.url}/audit-events`);
    await expect.poll(() => waiting, { timeout: 5_000 }).toBe(true);
    const closed = server.close(5_000);
    let closedFirst = false;
    void closed.then(() => {
      closedFirst = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(closedFirst).toBe(false);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('late but complete');
    await closed;
  });
});
