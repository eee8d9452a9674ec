import { describeError, isConflict, NetworkError } from '../api/problem.ts';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * A refusal or a failure, in words: a network failure offers a retry, a lost race offers a
 * reload (nothing is overwritten silently), anything else says what the API said.
 */
export const ErrorNotice = ({
  error,
  onRetry,
  onReload,
}: {
  error: unknown;
  onRetry?: () => void;
  onReload?: () => void;
}) => {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div role="alert" className="notice error">
      <p>{describeError(error, t)}</p>
      {error instanceof NetworkError && onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
      {isConflict(error) && onReload ? (
        <button type="button" onClick={onReload}>
          {t('common.reload')}
        </button>
      ) : null}
    </div>
  );
};
