import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';

export const StatusBadge = ({ status, daysLeft }: { status: string; daysLeft?: number | null }) => {
  const { t } = useI18n();
  const label = t(`status.${status}` as MessageKey);
  return (
    <span className={`badge ${status}`}>
      {label}
      {status === 'active' && typeof daysLeft === 'number' ? (
        <> · {t('licenses.daysLeft', { n: daysLeft })}</>
      ) : null}
    </span>
  );
};
