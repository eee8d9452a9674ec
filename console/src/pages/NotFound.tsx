import { useI18n } from '../i18n/i18n.tsx';
import { href } from '../router.ts';

export const NotFound = () => {
  const { t } = useI18n();
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <a href={href.dashboard()}>{t('notFound.home')}</a>
    </main>
  );
};
