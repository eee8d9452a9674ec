import { describe, expect, it } from 'vitest';
import { routes } from '../../lambdas/routes.ts';
import { useLocalPlatform } from '../support/platform.ts';

/** What API Gateway answers by itself in AWS, the local server answers the same way. */
const ORIGIN = 'http://localhost:5173';
const local = useLocalPlatform({ corsOrigins: [ORIGIN] });

const problemOf = async (response: Response) => {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { code: string; status: number };
};

describe('the local gateway', () => {
  it('serves health without a token', async () => {
    const response = await fetch(`${local().url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      service: 'tessera',
      stage: 'local',
    });
  });

  it('serves an OpenAPI 3.1 document listing every route', async () => {
    const doc = (await (await fetch(`${local().url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of routes)
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND and a wrong method with 405 and Allow', async () => {
    expect((await problemOf(await fetch(`${local().url}/nowhere`))).code).toBe('ROUTE_NOT_FOUND');
    const wrong = await fetch(`${local().url}/health`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect((await problemOf(wrong)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it("refuses a body over the handlers' 64 KiB limit with the handler's 413 problem", async () => {
    const response = await fetch(`${local().url}/products`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${local().adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it("refuses a body over API Gateway's 10 MB limit at the gateway, before any handler runs", async () => {
    const response = await fetch(`${local().url}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    const problem = await problemOf(response);
    expect(problem.code).toBe('PAYLOAD_TOO_LARGE');
    // No token was sent: a handler would have answered 401, so the gateway answered.
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('answers CORS preflight on known paths for allowed origins only (404 elsewhere), and handler answers carry CORS headers', async () => {
    const allowed = await fetch(`${local().url}/products`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-methods')?.split(',').sort()).toEqual([
      'GET',
      'OPTIONS',
      'POST',
    ]);
    const foreign = await fetch(`${local().url}/products`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const unknown = await fetch(`${local().url}/nowhere`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
    });
    expect(unknown.status).toBe(404);
    const problem = await fetch(`${local().url}/products`, { headers: { origin: ORIGIN } });
    expect(problem.status).toBe(401);
    expect(problem.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toBe(
      'authorization,content-type,if-match,idempotency-key',
    );
  });

  it('gives the gateway’s own refusals CORS headers too, exposing ETag, Location and Retry-After', async () => {
    for (const [path, status] of [
      ['/nowhere', 404],
      ['/health', 405],
    ] as const) {
      const response = await fetch(`${local().url}${path}`, {
        method: path === '/health' ? 'DELETE' : 'GET',
        headers: { origin: ORIGIN },
      });
      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(response.headers.get('access-control-expose-headers')).toBe(
        'etag,location,retry-after,x-request-id',
      );
    }
    const foreign = await fetch(`${local().url}/nowhere`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
