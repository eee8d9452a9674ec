import type { Language } from '../domain/language.ts';
import { languageFor } from '../domain/language.ts';
import { customerStore } from '../store/customers.ts';
import { peopleStore } from '../store/people.ts';
import type { Runtime } from './runtime.ts';

/** The language of a message to `to` (about `customerId`): lambdas/domain/language.ts. */
export const readerLanguage =
  (runtime: Runtime) =>
  (to: string, customerId?: string): Promise<Language> =>
    languageFor(
      {
        people: runtime.store(peopleStore),
        customers: runtime.store(customerStore),
        fallback: runtime.config.DEFAULT_LANGUAGE,
      },
      to,
      customerId,
    );
