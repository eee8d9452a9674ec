import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { problemType } from '../../lambdas/http/problem-type.ts';
import { matchRoute } from '../../lambdas/http/router.ts';
import { CORS_ALLOWED_HEADERS, corsHeaders } from '../../lambdas/middleware/cors.ts';
import type { RouteGroup } from '../../lambdas/routes.ts';
import { type AdmissionOptions, admission, DEFAULT_ADMISSION, Refused } from './admission.ts';
import { serveConsole } from './console-files.ts';
import { lambdaContext, toProxyEvent } from './events.ts';

/**
 * Plays API Gateway (REST, proxy integration) for the local runtime: matches the route table,
 * builds the proxy event, calls the group's handler (the very module Lambda runs, loaded once per
 * group on first use) and writes its answer back. What API Gateway answers by itself in AWS, this
 * server answers the same way, as problem documents:
 *   unknown path → 404 ROUTE_NOT_FOUND · known path, other method → 405 METHOD_NOT_ALLOWED + Allow
 *   body over 10 MB → 413 PAYLOAD_TOO_LARGE · CORS preflight (OPTIONS) → 204 from the origin list
 *   handler throws or returns garbage → 502 · handler slower than 29 s → 504
 * Routes are served at the root; in AWS the stage adds `/v1` in front.
 * Request logs carry method, route template, status, time and request id: never a body, a query
 * string or a header (the Authorization header least of all).
 */
export type Handler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

/** API Gateway's own payload limit; the handlers enforce Tessera's much smaller one. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway REST's integration timeout. */
const GATEWAY_TIMEOUT_MS = 29_000;
/** What the preflight allows; the CDK API's preflight must allow the same. */
export const CORS_MAX_AGE_SECONDS = '600';

export interface LocalServerOptions {
  port: number;
  /** Serve the console's build from this folder at `/` (bin/local/console-files.ts). */
  consoleDir?: string;
  host?: string;
  corsOrigins: readonly string[];
  /** One structured line per request and per failure; defaults to JSON on stdout. */
  log?: (line: Record<string, unknown>) => void;
  /** Where a group's handler comes from; defaults to importing `lambdas/http/<group>.ts`. */
  loadHandler?: (group: RouteGroup) => Promise<Handler>;
  /** The Lambda timeout the context reports (getRemainingTimeInMillis). */
  functionTimeoutMs?: number;
  /**
   * Local only: `POST /_local/jobs/{name}` runs a scheduled job now and answers its summary
   * (`npm run job -- <name>`). Never part of the API in AWS.
   */
  runJob?: (name: string) => Promise<unknown> | undefined;
  /** Concurrency cap, queue and optional throttle in front of the handlers (admission.ts). */
  admission?: AdmissionOptions;
}

export interface LocalServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, and cuts what is left after the deadline. */
  close(deadlineMs?: number): Promise<void>;
}

const importHandler = async (group: RouteGroup): Promise<Handler> => {
  const module = (await import(`../../lambdas/http/${group}.ts`)) as { handler?: Handler };
  if (typeof module.handler !== 'function') {
    throw new Error(`lambdas/http/${group}.ts exports no handler`);
  }
  return module.handler;
};

class GatewayProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/**
 * The same document shape and headers as the handlers' problems (lambdas/middleware/problem.ts),
 * with CORS headers for allowed origins and `Retry-After` on 429 and 503, as API Gateway's own
 * answers carry them.
 */
const writeProblem = (
  res: ServerResponse,
  requestId: string,
  problem: GatewayProblem,
  cors: Record<string, string>,
) => {
  const body = JSON.stringify({
    type: problemType(problem.code),
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    requestId,
  });
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    vary: 'Origin',
    ...cors,
    ...(problem.status === 429 || problem.status === 503 ? { 'retry-after': '1' } : {}),
    ...problem.headers,
  });
  res.end(body);
};

const tooLarge = () =>
  new GatewayProblem(
    413,
    'PAYLOAD_TOO_LARGE',
    'Content Too Large',
    `Request bodies are limited to ${GATEWAY_MAX_BODY_BYTES} bytes.`,
  );

/** Reads the body; past the limit it keeps draining (so the client reads our answer) but keeps nothing. */
const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = declared > GATEWAY_MAX_BODY_BYTES;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY_BYTES) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });

/** Header names as the client sent them (API Gateway keeps their case), all values of each. */
const headersOf = (req: IncomingMessage): Record<string, string[]> => {
  const byLower = new Map<string, { name: string; values: string[] }>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    const entry = byLower.get(name.toLowerCase());
    if (entry) entry.values.push(value);
    else byLower.set(name.toLowerCase(), { name, values: [value] });
  }
  return Object.fromEntries([...byLower.values()].map((e) => [e.name, e.values]));
};

const isResult = (value: unknown): value is APIGatewayProxyResult =>
  typeof value === 'object' &&
  value !== null &&
  Number.isInteger((value as APIGatewayProxyResult).statusCode) &&
  ['string', 'undefined'].includes(typeof (value as APIGatewayProxyResult).body);

export const startLocalServer = async (options: LocalServerOptions): Promise<LocalServer> => {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  const load = options.loadHandler ?? importHandler;
  const handlers = new Map<RouteGroup, Promise<Handler>>();
  // One gate per function, as each Lambda function has its own concurrency: a burst of seat
  // checkouts never starves the admin routes.
  const gates = new Map<RouteGroup, ReturnType<typeof admission>>();
  const gateOf = (group: RouteGroup) => {
    let gate = gates.get(group);
    if (!gate) {
      gate = admission(options.admission ?? DEFAULT_ADMISSION);
      gates.set(group, gate);
    }
    return gate;
  };
  const handlerOf = (group: RouteGroup) => {
    let handler = handlers.get(group);
    if (!handler) {
      handler = load(group);
      handlers.set(group, handler);
      handler.catch(() => handlers.delete(group)); // a failed load is retried on the next request
    }
    return handler;
  };

  const preflight = (req: IncomingMessage, res: ServerResponse, methods: string[]) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && options.corsOrigins.includes(origin);
    res.writeHead(204, {
      vary: 'Origin',
      ...(allowed
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-methods': [...methods, 'OPTIONS'].join(','),
            'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(','),
            'access-control-max-age': CORS_MAX_AGE_SECONDS,
          }
        : {}),
    });
    res.end();
  };

  /**
   * Runs the handler within the gateway's deadline. `settled` runs when the handler itself
   * finishes, even after a timeout answered: its concurrency slot stays taken while it works,
   * as a Lambda invocation's does until it ends.
   */
  const invoke = async (
    handler: Handler,
    event: APIGatewayProxyEvent,
    group: RouteGroup,
    settled: () => void,
  ) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GatewayProblem(
              504,
              'INTERNAL',
              'Gateway Timeout',
              'The function did not answer in time.',
            ),
          ),
        GATEWAY_TIMEOUT_MS,
      );
    });
    try {
      const context = lambdaContext(
        group,
        event.requestContext.requestId,
        options.functionTimeoutMs,
      );
      const running = Promise.resolve()
        .then(() => handler(event, context))
        .finally(settled);
      return await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    // Split by hand: `new URL('//x', base)` would read `x` as a host name.
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const done = (status: number, route?: string, extra: Record<string, unknown> = {}) =>
      log({
        level: status >= 500 ? 'ERROR' : 'INFO',
        message: 'request',
        requestId,
        method,
        route: route ?? '(no route)', // the template, never the concrete path: paths carry ids
        status,
        ms: Date.now() - started,
        ...extra,
      });

    if (method === 'OPTIONS') {
      // No route uses OPTIONS, so this lists every method of the path, or finds no such path.
      const resource = matchRoute('OPTIONS', path);
      if (resource.kind === 'method-not-allowed') {
        req.resume();
        const methods = [...new Set(resource.allowed)];
        preflight(req, res, methods);
        const template = matchRoute(methods[0] ?? 'GET', path);
        return done(204, template.kind === 'match' ? template.route.path : undefined);
      }
    }
    const job = /^\/_local\/jobs\/([a-z-]+)$/.exec(path);
    if (job && method === 'POST' && options.runJob) {
      req.resume();
      const running = options.runJob(job[1] as string);
      if (!running) {
        throw new GatewayProblem(404, 'NOT_FOUND', 'Not Found', `There is no job ${job[1]}.`);
      }
      const summary = await running;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(summary));
      return done(200, '/_local/jobs/{name}');
    }
    if (options.consoleDir && (await serveConsole(options.consoleDir, method, path, res))) {
      req.resume();
      return done(200, '(console)');
    }
    const found = matchRoute(method, path);
    if (found.kind === 'not-found') {
      throw new GatewayProblem(
        404,
        'ROUTE_NOT_FOUND',
        'Not Found',
        `There is no route ${method} ${path}.`,
      );
    }
    if (found.kind === 'method-not-allowed') {
      throw new GatewayProblem(
        405,
        'METHOD_NOT_ALLOWED',
        'Method Not Allowed',
        `${method} is not allowed on ${path}. Allowed: ${found.allowed.join(', ')}.`,
        { allow: found.allowed.join(', ') },
      );
    }

    const route = found.route;
    const body = await readBody(req);
    const event = toProxyEvent(
      {
        method,
        path,
        query,
        headers: headersOf(req),
        body,
        requestId,
        ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}),
      },
      route,
      found.pathParameters,
    );

    let leave: () => void;
    try {
      leave = await gateOf(route.group).enter();
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      throw new GatewayProblem(429, 'RATE_LIMITED', 'Too Many Requests', error.message);
    }
    let result: unknown;
    try {
      result = await invoke(
        await handlerOf(route.group).catch((e) => {
          leave();
          throw e;
        }),
        event,
        route.group,
        leave,
      );
    } catch (error) {
      if (error instanceof GatewayProblem) throw error;
      // In AWS a crashed invocation is API Gateway's 502; the details stay in the function's log.
      log({
        level: 'ERROR',
        message: 'handler failed',
        requestId,
        group: route.group,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw new GatewayProblem(502, 'INTERNAL', 'Bad Gateway', 'The function failed.');
    }
    if (!isResult(result)) {
      log({ level: 'ERROR', message: 'malformed handler result', requestId, group: route.group });
      throw new GatewayProblem(502, 'INTERNAL', 'Bad Gateway', 'The function answered garbage.');
    }

    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
    headers['x-amzn-requestid'] ??= requestId;
    const payload = result.isBase64Encoded
      ? Buffer.from(result.body ?? '', 'base64')
      : Buffer.from(result.body ?? '', 'utf8');
    res.writeHead(result.statusCode, { ...headers, 'content-length': payload.length });
    res.end(payload);
    done(result.statusCode, route.path, { group: route.group });
  };

  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    const requestId = randomUUID();
    const work = handle(req, res, requestId)
      .catch((error: unknown) => {
        const problem =
          error instanceof GatewayProblem
            ? error
            : new GatewayProblem(502, 'INTERNAL', 'Bad Gateway', 'The request failed.');
        if (!(error instanceof GatewayProblem)) {
          log({
            level: 'ERROR',
            message: 'local gateway failure',
            requestId,
            error: String(error),
          });
        }
        req.resume(); // drain what the client still sends, so it reads our answer
        if (res.headersSent) res.end();
        else {
          const origin = req.headers.origin;
          writeProblem(res, requestId, problem, corsHeaders(origin, options.corsOrigins));
        }
        log({
          level: problem.status >= 500 ? 'ERROR' : 'INFO',
          message: 'request',
          requestId,
          method: req.method,
          status: problem.status,
          code: problem.code,
        });
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close: (deadlineMs = 10_000) => {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), deadlineMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
        // Keep-alive sockets that finish their request after close() must not hold us up.
        void Promise.allSettled([...inFlight]).then(() => server.closeIdleConnections());
      });
      return closing;
    },
  };
};
