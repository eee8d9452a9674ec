import { useI18n } from '../i18n/i18n.tsx';

export const Loading = () => {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
};
