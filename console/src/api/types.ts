import type { paths } from './schema.ts';

/** Names for the answers the console shows, read off the generated API types. */
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type OkOf<O> = O extends { responses: infer R }
  ? JsonOf<R[200 & keyof R]> | JsonOf<R[201 & keyof R]>
  : never;
export type Answer<P extends keyof paths, M extends 'get' | 'post' | 'patch'> = OkOf<paths[P][M]>;
type Item<L> = L extends { items: (infer I)[] } ? I : never;

export type LicenseRow = Item<Answer<'/licenses', 'get'>>;
export type License = Answer<'/licenses/{licenseId}', 'get'>;
export type Activation = Item<Answer<'/licenses/{licenseId}/activations', 'get'>>;
export type LicenseEvent = Item<Answer<'/licenses/{licenseId}/events', 'get'>>;
export type Seat = Item<
  Answer<'/customers/{customerId}/projects/{projectId}/pools/{productCode}/seats', 'get'>
>;
export type Product = Item<Answer<'/products', 'get'>>;
export type Customer = Item<Answer<'/customers', 'get'>>;
export type Project = Item<Answer<'/customers/{customerId}/projects', 'get'>>;
export type Pool = Item<Answer<'/customers/{customerId}/pools', 'get'>>;
export type Person = Item<Answer<'/people', 'get'>>;
export type Token = Item<Answer<'/tokens', 'get'>>;
export type AuditEvent = Item<Answer<'/audit-events', 'get'>>;
export type Trial = Answer<'/customers/{customerId}/trials/{productCode}', 'get'>;
export type Ticket = Item<Answer<'/tickets', 'get'>>;
export type TicketThread = Answer<'/tickets/{ticketId}', 'get'>;
export type TicketStats = Answer<'/customers/{customerId}/ticket-stats', 'get'>;
