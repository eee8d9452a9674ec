import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemMembers } from '../../lambdas/domain/errors.ts';
import { openApiDocument } from '../../lambdas/http/openapi.ts';
import { statusOf } from '../../lambdas/middleware/problem.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('problem documents', () => {
  it.each(Object.entries(problemMembers()))(
    '%s: the README table names its status and every extension member',
    (code, members) => {
      const row = readme.split('\n').find((line) => line.includes(`| \`${code}\` |`));
      expect(row, `no README row for ${code}`).toBeDefined();
      expect(row).toContain(`| ${statusOf[code as keyof typeof statusOf]} |`);
      for (const member of Object.keys(members)) expect(row).toContain(`\`${member}\``);
    },
  );

  it('has a closed schema per code in the OpenAPI document, with exactly its own members', () => {
    const schemas = openApiDocument().components.schemas as Record<
      string,
      { properties?: Record<string, unknown>; additionalProperties?: boolean }
    >;
    for (const [code, status] of Object.entries(statusOf)) {
      const schema = schemas[`Problem.${code}`];
      expect(schema?.additionalProperties, code).toBe(false);
      const own = Object.keys(
        problemMembers()[code as keyof ReturnType<typeof problemMembers>] ?? {},
      );
      expect(Object.keys(schema?.properties ?? {}).sort(), code).toEqual(
        ['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId', ...own].sort(),
      );
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });
});
