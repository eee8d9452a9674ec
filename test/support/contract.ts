import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../lambdas/http/openapi.ts';
import { matchRoute } from '../../lambdas/http/router.ts';

/**
 * Checks an answer against what the OpenAPI document promises for it: a success against the
 * route's response schema (closed: no member it does not declare), anything else against the
 * problem document of its code. Every test that calls a route goes through this, so an answer
 * that breaks its documented schema fails the test that provoked it.
 */
const strip = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '$schema' && key !== 'discriminator')
      .map(([key, v]) => [key, strip(v)]),
  );
};

const doc = openApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(strip({ $id: 'openapi', components: doc.components }) as object);
const compiled = new Map<string, ValidateFunction>();

const validatorOf = (key: string, schema: () => unknown): ValidateFunction => {
  let validate = compiled.get(key);
  if (!validate) {
    const resolved = strip(schema()) as object;
    // Component references resolve inside the document registered above.
    const text = JSON.stringify(resolved).replaceAll('"#/components/', '"openapi#/components/');
    validate = ajv.compile(JSON.parse(text) as object);
    compiled.set(key, validate);
  }
  return validate;
};

/** The problem schema of the answer's own code, so a failure names its real fault. */
const problemValidator = (body: unknown) => {
  const code = (body as { code?: unknown }).code;
  const known = typeof code === 'string' && `Problem.${code}` in doc.components.schemas;
  const name = known ? `Problem.${code}` : 'Problem';
  return validatorOf(name, () => ({ $ref: `#/components/schemas/${name}` }));
};

export class ContractViolation extends Error {}

export const checkAnswer = (answer: {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  body: string;
  location?: string | undefined;
}) => {
  const where = `${answer.method} ${answer.path} → ${answer.status}`;
  const found = matchRoute(answer.method, answer.path);
  const fail = (what: string, errors: unknown) => {
    throw new ContractViolation(`${where}: ${what}: ${JSON.stringify(errors)}\n${answer.body}`);
  };
  if (answer.status >= 400) {
    if (!answer.contentType?.startsWith('application/problem+json'))
      fail('not a problem document', answer.contentType);
    const body: unknown = JSON.parse(answer.body);
    const validate = problemValidator(body);
    if (!validate(body)) fail('problem breaks its schema', validate.errors);
    return;
  }
  if (found.kind !== 'match') return; // local-only paths such as /_local/jobs
  const { route } = found;
  if (route.status === 302 && answer.status === 302) {
    if (!answer.location) fail('a redirect without Location', answer.status);
    return;
  }
  if (answer.status !== route.status || route.status === 204 || !route.schemas.response) return;
  const validate = validatorOf(route.operationId, () => {
    const operation = (doc.paths[route.path] as Record<string, unknown>)[
      route.method.toLowerCase()
    ] as { responses: Record<string, { content: { 'application/json': { schema: unknown } } }> };
    return operation.responses[String(route.status)]?.content['application/json'].schema;
  });
  if (!validate(JSON.parse(answer.body))) fail('answer breaks its schema', validate.errors);
};

const state = { enabled: true, foreign: new Set<string>() };

/** A local server in the test that is not Tessera (a stand-in for another service). */
export const notTessera = (url: string) => {
  state.foreign.add(new URL(url).origin);
};

/** For tests of the gateway itself, whose stand-in handlers answer nonsense on purpose. */
export const skipContractChecks = () => {
  state.enabled = false;
};

/** Wraps `fetch` so every call to a local Tessera server in this test file is checked. */
export const checkFetchedAnswers = () => {
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
    if (state.enabled && local && !state.foreign.has(url.origin)) {
      const method = (
        init?.method ?? (input instanceof Request ? input.method : 'GET')
      ).toUpperCase();
      if (method !== 'OPTIONS' && method !== 'HEAD' && response.status !== 304) {
        checkAnswer({
          method,
          path: url.pathname,
          status: response.status,
          contentType: response.headers.get('content-type') ?? undefined,
          body: await response.clone().text(),
          location: response.headers.get('location') ?? undefined,
        });
      }
    }
    return response;
  };
};
