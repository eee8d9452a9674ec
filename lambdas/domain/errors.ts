/**
 * The one error taxonomy. Domain code throws DomainError with a stable `code`; the HTTP layer maps
 * the code to a status (lambdas/middleware/problem.ts) and never shows anything else of a failure.
 */
export const errorCodes = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'INVALID_CURSOR',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'ALREADY_EXISTS',
  'HAS_DEPENDENTS',
  'CONCURRENT_MODIFICATION',
  'INTERNAL',
  'LICENSE_KEY_INVALID',
  'LICENSE_ALREADY_ASSIGNED',
  'LICENSE_REVOKED',
  'LIMIT_BELOW_USAGE',
  'LICENSE_NOT_FOUND',
  'LICENSE_SUSPENDED',
  'LICENSE_EXPIRED',
  'LICENSE_NOT_YET_VALID',
  'ACTIVATION_LIMIT_REACHED',
  'ACTIVATION_NOT_PENDING',
  'ACTIVATION_LOCKED',
  'CODE_INVALID',
  'CODE_EXPIRED',
  'RESEND_LIMIT_REACHED',
  'NOT_RETURNABLE',
  'EMAIL_NOT_SENT',
  'POOL_FULL',
  'NO_ENTITLEMENT',
  'LEASE_GONE',
  'WRONG_SEAT_MODEL',
  // Answered by API Gateway or WAF themselves in AWS (gateway responses), never by a function.
  'RATE_LIMITED',
  'REQUEST_BLOCKED',
  'BAD_REQUEST',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface FieldIssue {
  /** Where the problem is: `body.modules.0.code`, `query.limit`, `path.code`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: FieldIssue[]; [key: string]: unknown } = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): DomainError =>
  new DomainError('NOT_FOUND', `${what} was not found.`);

export const forbidden = (message = 'Your role does not allow this.'): DomainError =>
  new DomainError('FORBIDDEN', message);

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
