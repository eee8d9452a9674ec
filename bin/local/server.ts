import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { matchRoute } from '../../lambdas/http/router.ts';
import type { RouteGroup } from '../../lambdas/routes.ts';
import { lambdaContext, toProxyEvent } from './events.ts';

/**
 * Plays API Gateway for the local runtime: matches the route table, builds the proxy event,
 * calls the group's handler (the same module Lambda runs) and writes its answer back. What API
 * Gateway itself answers in AWS (unknown routes, wrong methods, huge bodies, CORS preflight),
 * this server answers the same way, as problem documents.
 */
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's own payload limit; handlers enforce Tessera's smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const ALLOWED_HEADERS = 'authorization,content-type';

export interface LocalServerOptions {
  port: number;
  host?: string;
  corsOrigins: readonly string[];
  log?: (line: Record<string, unknown>) => void;
}

export interface LocalServer {
  url: string;
  close(deadlineMs?: number): Promise<void>;
}

const problem = (
  res: ServerResponse,
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...extra });
  res.end(
    JSON.stringify({
      type: `urn:tessera:problem:${code.toLowerCase().replaceAll('_', '-')}`,
      title,
      status,
      code,
      detail,
    }),
  );
};

const readBody = (req: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

export const startLocalServer = async (options: LocalServerOptions): Promise<LocalServer> => {
  const handlers = new Map<RouteGroup, Promise<Handler>>();
  const handlerOf = (group: RouteGroup) => {
    let handler = handlers.get(group);
    if (!handler) {
      handler = import(`../../lambdas/http/${group}.ts`).then(
        (m: { handler: Handler }) => m.handler,
      );
      handlers.set(group, handler);
    }
    return handler;
  };
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));

  const preflight = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && options.corsOrigins.includes(origin);
    res.writeHead(204, {
      vary: 'Origin',
      ...(allowed
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-methods': 'GET,POST,PATCH,PUT,DELETE,OPTIONS',
            'access-control-allow-headers': ALLOWED_HEADERS,
            'access-control-max-age': '600',
          }
        : {}),
    });
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') return preflight(req, res);
    const found = matchRoute(method, url.pathname);
    if (found.kind === 'not-found') {
      return problem(
        res,
        404,
        'ROUTE_NOT_FOUND',
        'Not Found',
        `No route ${method} ${url.pathname}.`,
      );
    }
    if (found.kind === 'method-not-allowed') {
      return problem(
        res,
        405,
        'METHOD_NOT_ALLOWED',
        'Method Not Allowed',
        `${method} is not allowed here.`,
        {
          allow: found.allowed.join(', '),
        },
      );
    }
    const body = await readBody(req);
    if (body === 'too-large') {
      return problem(
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        'Content Too Large',
        'The request body is too large.',
      );
    }
    const event = toProxyEvent(
      {
        method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: req.headers,
        body,
        ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}),
      },
      found.route,
      found.pathParameters,
    );
    const group = found.route.group;
    let result: APIGatewayProxyResult;
    try {
      const handler = await handlerOf(group);
      result = await handler(
        event,
        lambdaContext(group, event.requestContext.requestId ?? randomUUID()),
      );
    } catch (error) {
      // In AWS a crashed function is API Gateway's 502; the details stay in the function's log.
      log({ level: 'ERROR', message: 'handler crashed', group, error: String(error) });
      return problem(res, 502, 'INTERNAL', 'Bad Gateway', 'The function failed.');
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = v.map(String);
    res.writeHead(result.statusCode, headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    log({
      level: 'INFO',
      message: 'request',
      method,
      // The route template, never the concrete path: paths may one day carry keys.
      route: found.route.path,
      status: result.statusCode,
      ms: Date.now() - started,
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log({ level: 'ERROR', message: 'local server failure', error: String(error) });
      if (!res.headersSent) problem(res, 502, 'INTERNAL', 'Bad Gateway', 'The request failed.');
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    close: (deadlineMs = 5_000) =>
      new Promise((resolve) => {
        // Stop accepting; let in-flight requests finish, then cut idle keep-alive sockets.
        const force = setTimeout(() => server.closeAllConnections(), deadlineMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
};
