import type { Route } from '../lambdas/routes.ts';

/** The REST API's one stage; every public URL starts with it (`https://…/v1/products`). */
export const API_STAGE = 'v1';

/** Route-table paths of the instance-facing routes (`/instance/activations`, …) start with this. */
export const INSTANCE_ROUTE_PREFIX = '/instance/';

/** The same prefix as WAF sees it: the request URI, stage included. */
export const INSTANCE_PATH_PREFIX = `/${API_STAGE}${INSTANCE_ROUTE_PREFIX}`;

/**
 * WAF's strict per-IP limit matches the URI prefix, not the `instanceFacing` flag, so the two
 * must agree: a flagged route outside the prefix would escape the limit, and an unflagged route
 * inside it would be limited without anyone having decided so. Fails the synth on either.
 */
export const assertInstanceRoutesUnderPrefix = (table: readonly Route[]): void => {
  const wrong = table.filter(
    (r) => (r.instanceFacing === true) !== r.path.startsWith(INSTANCE_ROUTE_PREFIX),
  );
  if (wrong.length > 0) {
    const list = wrong.map((r) => `${r.operationId} (${r.method} ${r.path})`).join(', ');
    throw new Error(
      `Routes with instanceFacing: true must live under ${INSTANCE_ROUTE_PREFIX}, and only ` +
        `those: ${list}. WAF rate-limits instance traffic by that path prefix.`,
    );
  }
};
