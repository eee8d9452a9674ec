import type { ChangeContext } from './audit.ts';
import { DomainError } from './errors.ts';

/**
 * Safe concurrent edits (RFC 9110 `If-Match`). A versioned resource's ETag is its stored version
 * in quotes (`"3"`); an edit that names ETags goes ahead only while the resource still has one of
 * them. `*` matches any existing resource. Without `If-Match` an edit behaves as before.
 */
export type IfMatch = '*' | readonly string[];

export const etagOf = (version: number): string => `"${version}"`;

/** The ETags of an `If-Match` header: `*`, or the listed strong tags (weak ones never match). */
export const parseIfMatch = (header: string): IfMatch => {
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.startsWith('"') && tag.endsWith('"') && tag.length >= 2);
};

export const assertMatches = (ctx: Pick<ChangeContext, 'ifMatch'>, version: number): void => {
  const wanted = ctx.ifMatch;
  if (wanted === undefined || wanted === '*') return;
  if (!wanted.includes(etagOf(version))) {
    throw new DomainError(
      'PRECONDITION_FAILED',
      'It changed since you read it; read it again and reapply your change.',
      { etag: etagOf(version) },
    );
  }
};
