import * as z from './zod.ts';

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
  'PRECONDITION_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'REQUEST_IN_PROGRESS',
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
  'PENDING_LIMIT_REACHED',
  'CODE_EMAIL_LIMIT_REACHED',
  'NOT_RETURNABLE',
  'EMAIL_NOT_SENT',
  'POOL_FULL',
  'NO_ENTITLEMENT',
  'LEASE_GONE',
  'WRONG_SEAT_MODEL',
  'PASSWORD_REJECTED',
  'RESET_CODE_INVALID',
  'RESET_LIMIT_REACHED',
  'MFA_CODE_INVALID',
  'MFA_NOT_OFFERED',
  'TRIAL_NOT_OFFERED',
  'TRIAL_ALREADY_USED',
  'TRIAL_NOT_PENDING',
  'OFFLINE_REQUEST_INVALID',
  'OFFLINE_REQUEST_USED',
  'RETURN_PROOF_INVALID',
  'ACTIVATION_ENDED',
  'ACTIVATION_REHOSTED',
  'FINGERPRINT_IN_USE',
  // Answered by API Gateway or WAF themselves in AWS (gateway responses), never by a function.
  'RATE_LIMITED',
  'REQUEST_BLOCKED',
  'BAD_REQUEST',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

const DocumentFault = /* @__PURE__ */ z.lazy(() =>
  z
    .enum(['FORMAT', 'SIGNATURE', 'TOO_OLD', 'OTHER_LICENSE', 'OTHER_DEVICE'])
    .describe('What is wrong with the file (docs/offline.md)'),
);

const FieldIssues = /* @__PURE__ */ z.lazy(() =>
  z.array(z.object({ path: z.string(), message: z.string() })),
);

/**
 * The members a problem document carries beyond RFC 9457's, per code. The OpenAPI document names
 * one component per code from this table, so a generated client accepts every real answer, and
 * the tests check every problem document against it. Built on call: functions never need it.
 */
export const problemMembers = () =>
  ({
    VALIDATION_FAILED: { errors: FieldIssues.optional() },
    LICENSE_KEY_INVALID: { reason: z.enum(['FORMAT', 'CHECKSUM']).optional() },
    CODE_INVALID: { attemptsLeft: z.number().int().describe('Wrong codes still allowed') },
    EMAIL_NOT_SENT: { retryable: z.boolean().describe('Whether trying again may succeed') },
    PENDING_LIMIT_REACHED: {
      retryAfter: z.number().int().describe('Seconds until the oldest pending code expires'),
    },
    CODE_EMAIL_LIMIT_REACHED: {
      retryAfter: z.number().int().describe('Seconds until more codes may be e-mailed'),
    },
    ALREADY_EXISTS: {
      assignedAt: z
        .string()
        .optional()
        .describe('When the user was given the named seat they hold'),
    },
    POOL_FULL: { used: z.number().int(), limit: z.number().int() },
    LEASE_GONE: {
      licenseCode: z
        .enum(['LICENSE_REVOKED', 'LICENSE_SUSPENDED', 'LICENSE_NOT_YET_VALID', 'LICENSE_EXPIRED'])
        .optional()
        .describe("Set when the seat was freed because the instance's license is not valid now"),
    },
    LIMIT_BELOW_USAGE: { activationCount: z.number().int().optional() },
    HAS_DEPENDENTS: {
      licenseCount: z.number().int().optional(),
      projectCount: z.number().int().optional(),
      tokenCount: z.number().int().optional(),
      pendingTrialCount: z.number().int().optional(),
    },
    PRECONDITION_FAILED: {
      etag: z.string().optional().describe('The current ETag, when the resource still exists'),
    },
    ACTIVATION_LIMIT_REACHED: { maxActivations: z.number().int() },
    UNAUTHENTICATED: {
      activationStatus: z
        .enum(['pending', 'active', 'returned', 'revoked', 'superseded', 'failed'])
        .optional()
        .describe('Why an activation token no longer works: its activation ended'),
    },
    WRONG_SEAT_MODEL: { seatModel: z.enum(['concurrent', 'named', 'instance']) },
    TRIAL_ALREADY_USED: {
      trialStatus: z
        .enum(['pending', 'issued', 'declined'])
        .describe("The customer's earlier trial of this product"),
    },
    TRIAL_NOT_PENDING: { trialStatus: z.enum(['pending', 'issued', 'declined']) },
    OFFLINE_REQUEST_INVALID: { reason: DocumentFault },
    RETURN_PROOF_INVALID: { reason: DocumentFault },
    OFFLINE_REQUEST_USED: {
      activationId: z.string().describe('The activation this request file made'),
    },
    ACTIVATION_ENDED: {
      activationStatus: z.enum([
        'pending',
        'active',
        'returned',
        'revoked',
        'superseded',
        'failed',
      ]),
    },
  }) satisfies Partial<Record<string, z.ZodRawShape>>;

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
