import { type Route, routes } from '../routes.ts';

/**
 * Matches a concrete request path against the route table's API Gateway templates. The local
 * server uses it to play API Gateway's part; in AWS, API Gateway has already matched and the
 * handler looks the route up by `resource` + method instead.
 */
export type RouteMatch =
  | { kind: 'match'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const compile = (route: Route): Compiled => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
};

const compiled = routes.map(compile);

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // API Gateway passes undecodable segments through; validation rejects them.
  }
};

export const matchRoute = (method: string, path: string): RouteMatch => {
  const allowed: string[] = [];
  for (const candidate of compiled) {
    const found = candidate.pattern.exec(path);
    if (!found) continue;
    if (candidate.route.method !== method.toUpperCase()) {
      allowed.push(candidate.route.method);
      continue;
    }
    const pathParameters: Record<string, string> = {};
    candidate.names.forEach((name, i) => {
      pathParameters[name] = safeDecode(found[i + 1] ?? '');
    });
    return { kind: 'match', route: candidate.route, pathParameters };
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
};

const byResource = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));

/** The route API Gateway matched, from the event's `resource` template and method. */
export const routeFor = (method: string, resource: string): Route | undefined =>
  byResource.get(`${method.toUpperCase()} ${resource}`);
