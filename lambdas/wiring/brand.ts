import { config } from '../config.ts';
import { type Brand, brandProblems, DEFAULT_BRAND } from '../domain/email-templates.ts';

let cached: Brand | undefined;

/** The stage's brand, from `BRAND` (JSON), checked once; Tessera's own without it. */
export const brand = (): Brand => {
  if (cached) return cached;
  const text = config().BRAND;
  const parsed = text ? (JSON.parse(text) as Brand) : DEFAULT_BRAND;
  const problems = brandProblems(parsed);
  if (problems.length > 0) throw new Error(`BRAND is not a valid brand: ${problems.join('; ')}`);
  cached = parsed;
  return cached;
};
