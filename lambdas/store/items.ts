import { storageAttributes } from './keys.ts';

/**
 * Entities are stored as their own fields plus storage attributes (keys of the table and of every
 * index, `_type`, `search`, `ttl`). These helpers add and strip them so the domain only ever sees
 * its objects, and no answer can carry an index key.
 */
const bookkeeping = new Set<string>(storageAttributes);

export type Item = Record<string, unknown>;

export const toItem = (
  type: string,
  keys: object,
  entity: object,
  extra: Record<string, unknown> = {},
): Item => ({ ...entity, ...extra, ...keys, _type: type });

export const fromItem = <T>(item: Item): T =>
  Object.fromEntries(Object.entries(item).filter(([key]) => !bookkeeping.has(key))) as T;

/**
 * An update that turns `before` into `after` field by field. Counters maintained by other
 * transactions (`keep`) are left out, so a replace can never overwrite a concurrent increment;
 * the version condition still catches concurrent edits of the other fields.
 */
export const replaceFields = (before: Item, after: Item, keep: readonly string[] = []) => {
  const untouchable = new Set(['pk', 'sk', ...keep]);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  let n = 0;
  for (const [field, value] of Object.entries(after)) {
    if (untouchable.has(field)) continue;
    names[`#f${n}`] = field;
    values[`:f${n}`] = value;
    sets.push(`#f${n} = :f${n}`);
    n++;
  }
  for (const field of Object.keys(before)) {
    if (untouchable.has(field) || field in after) continue;
    names[`#f${n}`] = field;
    removes.push(`#f${n}`);
    n++;
  }
  const expression = [
    sets.length > 0 ? `SET ${sets.join(', ')}` : '',
    removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { expression, names, values };
};
