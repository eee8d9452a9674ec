import { useI18n } from '../i18n/i18n.tsx';

export const Pager = ({
  pageNumber,
  hasNext,
  hasPrevious,
  next,
  previous,
}: {
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
}) => {
  const { t } = useI18n();
  if (!hasNext && !hasPrevious) return null;
  return (
    <nav className="pager" aria-label={t('common.page', { n: pageNumber })}>
      <button type="button" onClick={previous} disabled={!hasPrevious}>
        {t('common.previous')}
      </button>
      <span>{t('common.page', { n: pageNumber })}</span>
      <button type="button" onClick={next} disabled={!hasNext}>
        {t('common.next')}
      </button>
    </nav>
  );
};
