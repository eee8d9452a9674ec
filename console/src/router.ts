import { useEffect, useState } from 'react';

/**
 * Pages live in the URL's hash (`#/licenses/lic_…`): the console is static files, so any path
 * the API also serves (`/licenses`) stays the API's, and CloudFront needs no rewrite rules.
 */
export type Route =
  | { page: 'dashboard' }
  | { page: 'licenses'; q?: string }
  | { page: 'license'; licenseId: string }
  | { page: 'products' }
  | { page: 'customers' }
  | { page: 'customer'; customerId: string }
  | { page: 'people' }
  | { page: 'tokens' }
  | { page: 'audit' }
  | { page: 'trials' }
  | { page: 'relays' }
  | { page: 'tickets' }
  | { page: 'ticket'; ticketId: string }
  | { page: 'security' }
  | { page: 'notFound' };

export const parseRoute = (hash: string): Route => {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const [first, second] = parts;
  if (parts.length === 0) return { page: 'dashboard' };
  if (first === 'licenses' && second) return { page: 'license', licenseId: second };
  if (first === 'licenses') {
    const q = params.get('q');
    return q ? { page: 'licenses', q } : { page: 'licenses' };
  }
  if (first === 'customers' && second) return { page: 'customer', customerId: second };
  if (first === 'tickets' && second) return { page: 'ticket', ticketId: second };
  if (
    parts.length === 1 &&
    (first === 'products' ||
      first === 'customers' ||
      first === 'people' ||
      first === 'tokens' ||
      first === 'audit' ||
      first === 'trials' ||
      first === 'relays' ||
      first === 'tickets' ||
      first === 'security')
  ) {
    return { page: first };
  }
  return { page: 'notFound' };
};

export const href = {
  dashboard: () => '#/',
  licenses: () => '#/licenses',
  license: (id: string) => `#/licenses/${encodeURIComponent(id)}`,
  customer: (id: string) => `#/customers/${encodeURIComponent(id)}`,
  ticket: (id: string) => `#/tickets/${encodeURIComponent(id)}`,
} as const;

export const useRoute = (): Route => {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
};
