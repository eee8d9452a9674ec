import * as z from './zod.ts';

export const Timestamp = /* @__PURE__ */ z.lazy(() =>
  z.iso.datetime().describe('RFC 3339 UTC timestamp'),
);

/** Ids Tessera generates: a type prefix and 26 lower-case ULID characters (`lic_01j…`). */
const ID_PREFIXES = {
  lic: 'a license id',
  cus: 'a customer id',
  prj: 'a project id',
  act: 'an activation id',
  per: 'a person id',
  tkt: 'a ticket id',
  att: 'an attachment id',
  rly: 'a relay id',
} as const;
export const IdOf = (prefix: keyof typeof ID_PREFIXES) =>
  z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `Not ${ID_PREFIXES[prefix]}`);

/** Rights per project: some projects of one customer, each once. */
export const ProjectIds = /* @__PURE__ */ z.lazy(() =>
  z
    .array(IdOf('prj'))
    .min(1)
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'Projects must be unique'),
);

export const PageQuery = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(2048).optional(),
  }),
);

export const SearchQuery = /* @__PURE__ */ z.lazy(() =>
  PageQuery.unwrap().extend({
    q: z.string().trim().min(1).max(100).optional().describe('Case-insensitive substring filter'),
  }),
);

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.lazy(() =>
    z.object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page'),
    }),
  );

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Text every listing searches: lower-cased, so `q` matches regardless of case. */
export const searchText = (...parts: (string | undefined)[]): string =>
  parts
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .join(' ')
    .toLowerCase();

/**
 * PATCH semantics for every update: an absent (undefined) field stays as it was, `null` removes
 * an optional field, any other value replaces it.
 */
export const applyPatch = <T extends object>(entity: T, patch: object): T => {
  const next = { ...entity } as Record<string, unknown>;
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as T;
};

export type IdPrefix =
  | 'cus'
  | 'prj'
  | 'tok'
  | 'evt'
  | 'lic'
  | 'act'
  | 'per'
  | 'tkt'
  | 'att'
  | 'rly';

/** Where new ids come from (adapters/ids.ts: time-sortable, with a type prefix). */
export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

/** One lookup per key for as long as the returned function lives (a job run, a status read). */
export const memoized = <A extends [string, ...(string | undefined)[]], T>(
  load: (...args: A) => Promise<T>,
) => {
  const seen = new Map<string, Promise<T>>();
  return (...args: A): Promise<T> => {
    const key = args.map((a) => a ?? '').join('\u0000');
    let found = seen.get(key);
    if (!found) {
      found = load(...args);
      seen.set(key, found);
    }
    return found;
  };
};

/** A `true`/`false` query parameter, read as a boolean. */
export const queryFlag = () => z.enum(['true', 'false']).transform((v) => v === 'true');
