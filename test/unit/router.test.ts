import { describe, expect, it } from 'vitest';
import { matchRoute, routeFor } from '../../lambdas/http/router.ts';
import { routes } from '../../lambdas/routes.ts';

describe('route table', () => {
  it('has one operation per id and per method+path', () => {
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
    expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
  });

  it('matches concrete paths to templates and extracts decoded parameters', () => {
    const found = matchRoute('GET', '/customers/cus_1/projects/prj%5F2');
    expect(found.kind).toBe('match');
    if (found.kind !== 'match') return;
    expect(found.route.operationId).toBe('getProject');
    expect(found.pathParameters).toEqual({ customerId: 'cus_1', projectId: 'prj_2' });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(matchRoute('PUT', '/products')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['POST', 'GET'],
    });
    expect(matchRoute('GET', '/nope').kind).toBe('not-found');
    expect(matchRoute('GET', '/products/A/extra').kind).toBe('not-found');
  });

  it('survives undecodable percent escapes', () => {
    expect(matchRoute('GET', '/products/%E0%A4%A').kind).toBe('match');
  });

  it('finds the route API Gateway matched by resource template', () => {
    expect(routeFor('delete', '/tokens/{tokenId}')?.operationId).toBe('revokeToken');
    expect(routeFor('GET', '/tokens/tok_1')).toBeUndefined();
  });
});
