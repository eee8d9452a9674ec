import { type ErrorCode, errorCodes, problemMembers } from '../domain/errors.ts';
import * as z from '../domain/zod.ts';
import { MAX_BODY_BYTES, MAX_FILE_BODY_BYTES } from '../middleware/limits.ts';
import { type Route, routes } from '../routes.ts';

/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas, so the document
 * and the validation that runs cannot disagree.
 */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });

/** RFC 9457 members every problem document has. */
const problemBase = {
  type: z.string().describe('A URN naming the code'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
};

const problemComponent = (code: ErrorCode) => `Problem.${code}`;

/** One closed schema per code: its own extension members and nothing else. */
const problemSchemas = () => {
  const members: Partial<Record<ErrorCode, z.ZodRawShape>> = problemMembers();
  const schemas: Record<string, object> = {};
  for (const code of errorCodes) {
    schemas[problemComponent(code)] = jsonSchema(
      z.object({ ...problemBase, code: z.literal(code), ...members[code] }),
      'output',
    );
  }
  schemas.Problem = {
    description: 'An RFC 9457 problem document; `code` says which members it carries.',
    oneOf: errorCodes.map((code) => ({ $ref: `#/components/schemas/${problemComponent(code)}` })),
    discriminator: {
      propertyName: 'code',
      mapping: Object.fromEntries(
        errorCodes.map((code) => [code, `#/components/schemas/${problemComponent(code)}`]),
      ),
    },
  };
  return schemas;
};

const parameters = (route: Route) => {
  const out: object[] = [];
  for (const where of ['path', 'query'] as const) {
    const schema = route.schemas[where];
    if (!schema) continue;
    const json = jsonSchema(schema, 'input') as {
      properties?: Record<string, object>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const operation = (route: Route) => ({
  operationId: route.operationId,
  summary: route.summary,
  tags: [route.group],
  security:
    route.auth === 'token'
      ? [{ apiToken: [] }]
      : route.auth === 'activation'
        ? [{ activationToken: [] }]
        : route.auth === 'relay'
          ? [{ relayCredential: [] }]
          : [],
  parameters: [
    ...parameters(route),
    ...(route.validated
      ? [
          {
            name: 'If-None-Match',
            in: 'header',
            required: false,
            description: 'The ETag of the copy the caller holds',
            schema: { type: 'string' },
          },
        ]
      : []),
  ],
  ...(route.schemas.body
    ? {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: jsonSchema(route.schemas.body, 'input') } },
        },
      }
    : {}),
  responses: {
    [String(route.status)]:
      route.status === 204
        ? { description: 'Done' }
        : route.status === 302
          ? {
              description: 'Continue in the browser at Location',
              headers: { Location: { required: true, schema: { type: 'string' } } },
            }
          : {
              description: 'Success',
              content: {
                'application/json': {
                  schema: route.schemas.response
                    ? jsonSchema(route.schemas.response, 'output')
                    : {},
                },
              },
            },
    ...(route.validated
      ? {
          '304': {
            description: 'The copy named by If-None-Match is still current',
            headers: { ETag: { required: true, schema: { type: 'string' } } },
          },
        }
      : {}),
    '4XX': problemResponse('The request was refused; `code` says why'),
    '5XX': problemResponse('Tessera failed; retry later'),
  },
});

const build = (serverUrl?: string) => {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, object>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera API',
      version: '1',
      description: `License platform API. Errors are RFC 9457 problem documents with a stable \`code\`. Request bodies are JSON, at most ${MAX_BODY_BYTES} bytes (${MAX_FILE_BODY_BYTES} on the routes that take attachments); unknown fields are refused.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: problemSchemas(),
      securitySchemes: {
        apiToken: { type: 'http', scheme: 'bearer', description: 'An API token: `tsr_…`' },
        activationToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An instance’s activation token: `tsa_…`, from completing an activation',
        },
        relayCredential: {
          type: 'http',
          scheme: 'bearer',
          description: 'An on-site relay’s credential: `tsy_…`, shown once when the relay is made',
        },
      },
    },
  };
};

let cached: ReturnType<typeof build> | undefined;

export const openApiDocument = () => {
  cached ??= build();
  return cached;
};
