import type * as z from '../domain/zod.ts';

/** One Lambda function per group. `table` is the least access the group's function needs. */
export const groups = {
  meta: { description: 'Health and the OpenAPI document', table: 'none' },
  tokens: { description: 'API tokens', table: 'write' },
  products: { description: 'Product catalog', table: 'write' },
  customers: { description: 'Customers and their projects', table: 'write' },
  audit: { description: 'Audit trail', table: 'read' },
  licenses: {
    description: 'License registry: issue, change, suspend, revoke, import',
    table: 'write',
  },
  activation: { description: 'Instance activation step 1: e-mails one-time codes', table: 'write' },
  instance: {
    description: 'Activation step 2, refresh, return, JWKS: the only function that signs',
    table: 'write',
  },
  validate: { description: 'Instance license validation', table: 'read' },
  seats: { description: 'Concurrent seats: checkout, heartbeat, release', table: 'write' },
  assignments: { description: 'Named seats: assign, unassign, list', table: 'write' },
  people: {
    description: 'People who sign in: invite, change, disable, enable, remove',
    table: 'write',
  },
  tickets: { description: 'Support tickets: open, reply, notes, status, queue', table: 'write' },
  trials: { description: 'Trial licenses: request, approve, decline', table: 'write' },
  session: { description: 'Signing in and out, for the console and the portal', table: 'write' },
  relay: {
    description: 'On-site relays: their credentials and seat allotments (signs allotments)',
    table: 'write',
  },
} as const satisfies Record<string, { description: string; table: 'none' | 'read' | 'write' }>;

export type RouteGroup = keyof typeof groups;
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
/**
 * `none`: open; `token`: an API token (Authorization: Bearer tsr_…) or a person's session;
 * `activation`: an instance's activation token (Authorization: Bearer tsa_…); `relay`: an
 * on-site relay's credential (Authorization: Bearer tsy_…).
 */
export type RouteAuth = 'none' | 'token' | 'activation' | 'relay';

export interface RouteSchemas {
  path?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
}

export interface Route<S extends RouteSchemas = RouteSchemas, Id extends string = string> {
  operationId: Id;
  method: HttpMethod;
  path: string;
  group: RouteGroup;
  auth: RouteAuth;
  /** Unauthenticated instance-facing routes; WAF applies its strict rate limit to these. */
  instanceFacing?: boolean;
  summary: string;
  /**
   * HTTP status of a successful answer. 302: a browser navigation step; the operation answers
   * `{ location }`, sent as the `Location` header with no body.
   */
  status: 200 | 201 | 204 | 302;
  schemas: S;
  /**
   * `false`: refuses an `Idempotency-Key`, because its answer holds a secret shown once that is
   * never stored to be replayed. Every other POST takes one.
   */
  idempotent?: false;
  /** Edits a versioned resource: takes `If-Match` (412 on a stale ETag). */
  conditional?: true;
  /** A GET that takes `If-None-Match` and may answer 304 (the operation answers `Validated`). */
  validated?: true;
  /** Bodies above this are refused (413) before parsing; default MAX_BODY_BYTES (64 KiB). */
  maxBodyBytes?: number;
  /** Where a created resource lives (the `Location` of a 201), from the answer and the path. */
  location?: (created: Record<string, unknown>, path: Record<string, string>) => string;
}

/** Keeps a route's operation id and schemas as literal types, for typed operations. */
export const route = <const Id extends string, S extends RouteSchemas>(r: Route<S, Id>) => r;

type Parsed<S, K extends keyof RouteSchemas> = S extends { [P in K]: infer T extends z.ZodType }
  ? z.output<T>
  : undefined;

/** What the middlewares hand an operation: its route's path, query and body, validated. */
export interface InputOf<R extends Route> {
  path: Parsed<R['schemas'], 'path'>;
  query: Parsed<R['schemas'], 'query'>;
  body: Parsed<R['schemas'], 'body'>;
}
