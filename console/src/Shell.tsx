import { type ReactNode, useEffect } from 'react';
import type { SignedInPerson } from './api/client.ts';
import { useSession } from './auth/session.tsx';
import type { MessageKey } from './i18n/en.ts';
import { type Language, languages, useI18n } from './i18n/i18n.tsx';
import { href, type Route } from './router.ts';
import { BrandMark, useBrand } from './ui/Brand.tsx';
import { languageNames } from './ui/LanguageOptions.tsx';

type NavLink = { page: Route['page']; hash: string; label: MessageKey };

const vendorLinks: NavLink[] = [
  { page: 'dashboard', hash: '#/', label: 'nav.dashboard' },
  { page: 'licenses', hash: '#/licenses', label: 'nav.licenses' },
  { page: 'products', hash: '#/products', label: 'nav.products' },
  { page: 'customers', hash: '#/customers', label: 'nav.customers' },
  { page: 'relays', hash: '#/relays', label: 'nav.relays' },
  { page: 'trials', hash: '#/trials', label: 'nav.trials' },
  { page: 'tickets', hash: '#/tickets', label: 'nav.tickets' },
  { page: 'people', hash: '#/people', label: 'nav.people' },
  { page: 'tokens', hash: '#/tokens', label: 'nav.tokens' },
  { page: 'audit', hash: '#/audit', label: 'nav.audit' },
];

/**
 * The pages a person's role can use, as the API's grants have it (lambdas/domain/policy.ts): the
 * vendor's staff get the vendor console, a customer's people their company's portal. Hiding a
 * link is a courtesy; the API refuses what the role may not do either way.
 */
export const navigationFor = (person: SignedInPerson | undefined): NavLink[] => {
  if (!person) return [];
  if (person.role === 'vendor-admin') return vendorLinks;
  if (person.role === 'vendor-support') {
    return vendorLinks.filter((l) => l.page !== 'tokens' && l.page !== 'trials');
  }
  const company: NavLink = {
    page: 'customer',
    hash: href.customer(person.customerId ?? ''),
    label: 'nav.company',
  };
  const pick = (pages: Route['page'][]) => vendorLinks.filter((l) => pages.includes(l.page));
  // Someone limited to some projects gets no company-wide page (the API refuses them too).
  return person.role === 'customer-admin' && !person.projectIds
    ? [
        ...pick(['dashboard', 'licenses']),
        company,
        ...pick(['trials', 'tickets', 'people', 'tokens', 'audit']),
      ]
    : [...pick(['dashboard', 'licenses']), company, ...pick(['trials', 'tickets'])];
};

const current = (route: Route, page: Route['page']) =>
  route.page === page ||
  (page === 'licenses' && route.page === 'license') ||
  (page === 'customers' && route.page === 'customer') ||
  (page === 'tickets' && route.page === 'ticket');

export const LanguagePicker = () => {
  const { t, language, setLanguage } = useI18n();
  return (
    <label className="language">
      {t('nav.language')}
      <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {Object.keys(languages).map((code) => (
          <option key={code} value={code}>
            {languageNames[code as Language]}
          </option>
        ))}
      </select>
    </label>
  );
};

/** The frame of every signed-in page: skip link, navigation, who is signed in, sign-out. */
export const Shell = ({ route, children }: { route: Route; children: ReactNode }) => {
  const { t, adopt } = useI18n();
  const session = useSession();
  const person = session.state.status === 'signedIn' ? session.state.person : undefined;
  const brand = useBrand();
  const spoken = person?.language ?? brand?.defaultLanguage;
  useEffect(() => {
    if (spoken) adopt(spoken);
  }, [spoken, adopt]);
  const email = person?.email ?? '';
  return (
    <>
      {/* A button, not a #main link: the hash holds the page (router.ts). */}
      <button
        type="button"
        className="skip"
        onClick={() => document.getElementById('main')?.focus()}
      >
        {t('app.skip')}
      </button>
      <header className="top">
        <BrandMark brand={brand} />
        <nav aria-label={t('nav.label')}>
          <ul>
            {navigationFor(person).map((link) => (
              <li key={link.page}>
                <a href={link.hash} aria-current={current(route, link.page) ? 'page' : undefined}>
                  {t(link.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{t('nav.signedInAs', { email })}</span>
          <a href="#/security" aria-current={route.page === 'security' ? 'page' : undefined}>
            {t('nav.security')}
          </a>
          <LanguagePicker />
          <button type="button" onClick={() => void session.signOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      {children}
    </>
  );
};
