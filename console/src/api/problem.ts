import type { MessageKey } from '../i18n/en.ts';
import type { Translate } from '../i18n/i18n.tsx';

/** An answer the API refused, as its problem document says (RFC 9457). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/** Tessera could not be reached at all: the request never got an answer. */
export class NetworkError extends Error {}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
  errors?: { path: string; message: string }[];
}

/**
 * The data of a successful call, or an ApiError carrying the problem's code. Every call in the
 * console goes through here, so every refusal reads the same way.
 */
export const call = async <T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> => {
  let result: Awaited<typeof pending>;
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new NetworkError(error instanceof Error ? error.message : String(error));
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const problem = (error ?? {}) as Problem;
  throw new ApiError(
    response.status,
    problem.code ?? `HTTP_${response.status}`,
    problem.detail ?? problem.title ?? response.statusText,
    problem.errors ?? [],
  );
};

/** The readable message of an error, in the person's language. */
export const describeError = (error: unknown, t: Translate): string => {
  if (error instanceof NetworkError) return t('error.network');
  if (!(error instanceof ApiError)) return t('error.unknown', { status: '?' });
  const key = `problem.${error.code}` as MessageKey;
  const detail = error.errors.length
    ? error.errors.map((e) => `${e.path.replace(/^body\./, '')}: ${e.message}`).join('; ')
    : error.detail;
  const known = t(key, { detail });
  if (known !== key) return known;
  return error.detail || t('error.unknown', { status: error.status });
};

export const isConflict = (error: unknown) =>
  error instanceof ApiError &&
  (error.code === 'CONCURRENT_MODIFICATION' || error.code === 'PRECONDITION_FAILED');
export const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;
