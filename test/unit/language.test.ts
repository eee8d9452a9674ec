import { describe, expect, it } from 'vitest';
import type { Language } from '../../lambdas/domain/language.ts';
import { languageFor } from '../../lambdas/domain/language.ts';

/** Whose language a message speaks: the person's, else their customer's, else the stage's. */
const sources = (
  people: Record<string, { language?: Language; customerId?: string }>,
  customers: Record<string, { language?: Language }>,
) => ({
  people: { byEmail: async (email: string) => people[email] },
  customers: { get: async (id: string) => customers[id] },
  fallback: 'en' as const,
});

describe('the reader’s language', () => {
  const src = sources(
    {
      'own@acme.example': { language: 'en', customerId: 'cus_it' },
      'plain@acme.example': { customerId: 'cus_it' },
    },
    { cus_it: { language: 'it' }, cus_none: {} },
  );

  it('is the person’s own before their customer’s', async () => {
    expect(await languageFor(src, 'OWN@acme.example', 'cus_none')).toBe('en');
  });

  it('is their customer’s when they set none, whatever customer the message is about', async () => {
    expect(await languageFor(src, 'plain@acme.example', 'cus_none')).toBe('it');
  });

  it('is the customer’s the message is about for an address that is nobody', async () => {
    expect(await languageFor(src, 'contact@acme.example', 'cus_it')).toBe('it');
  });

  it('is the stage’s default when nobody set one', async () => {
    expect(await languageFor(src, 'contact@acme.example', 'cus_none')).toBe('en');
    expect(await languageFor(src, 'contact@acme.example')).toBe('en');
  });
});
