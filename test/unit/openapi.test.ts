import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lambdas/http/openapi.ts';
import { routes } from '../../lambdas/routes.ts';

describe('OpenAPI document', () => {
  const doc = openApiDocument();

  it('is OpenAPI 3.1 and lists every route of the route table', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of routes) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()] as
        | { operationId: string }
        | undefined;
      expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
    }
  });

  it('is byte for byte the reviewed document in test/fixtures/openapi.json (vitest -u after an API change)', async () => {
    // A refactoring (bundling, route files, zod imports) must not move one byte of the contract.
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot(
      '../fixtures/openapi.json',
    );
  });

  it('documents request bodies from the same zod schemas that validate them', () => {
    const create = doc.paths['/products']?.post as {
      requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } };
    };
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['code', 'name', 'seatModel']));
  });

  it('declares bearer tokens on protected routes and none on open ones', () => {
    expect((doc.paths['/health']?.get as { security?: unknown[] } | undefined)?.security).toEqual(
      [],
    );
    expect((doc.paths['/tokens']?.get as { security?: unknown[] } | undefined)?.security).toEqual([
      { apiToken: [] },
    ]);
  });

  it('asks for the activation token where an instance authenticates', () => {
    const refresh = doc.paths['/instance/refresh']?.post as { security?: unknown[] } | undefined;
    expect(refresh?.security).toEqual([{ activationToken: [] }]);
  });
});
