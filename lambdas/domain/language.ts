import * as z from './zod.ts';

/** The languages Tessera writes in; a customer and a person each have one (English by default). */
export const languages = ['en', 'it'] as const;
export type Language = (typeof languages)[number];

export const LanguageCode = /* @__PURE__ */ z.lazy(() =>
  z.enum(languages).describe('The language of e-mails and pages: en or it'),
);

export interface LanguageSources {
  people: {
    byEmail(email: string): Promise<{ language?: Language; customerId?: string } | undefined>;
  };
  customers: { get(id: string): Promise<{ language?: Language } | undefined> };
  /** The stage's default, for readers whose language nobody set. */
  fallback: Language;
}

/**
 * The language a message to `to` is written in: the person's own, else their customer's, else
 * the customer the message is about, else the stage's default.
 */
export const languageFor = async (
  sources: LanguageSources,
  to: string,
  customerId?: string,
): Promise<Language> => {
  const person = await sources.people.byEmail(to.toLowerCase());
  if (person?.language) return person.language;
  const customer = person?.customerId ?? customerId;
  const own = customer ? (await sources.customers.get(customer))?.language : undefined;
  return own ?? sources.fallback;
};
