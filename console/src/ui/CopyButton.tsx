import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/** Shows `text`; pressing it copies `value` and says so for a moment. */
export const CopyButton = ({
  text,
  value,
  label,
}: {
  text: string;
  value: string;
  label: string;
}) => {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <span className="copy">
      <button
        type="button"
        className="link mono"
        aria-label={label}
        onClick={() => void navigator.clipboard.writeText(value).then(() => setCopied(true))}
      >
        {text}
      </button>
      <span role="status" className="copied">
        {copied ? t('licenses.copied') : ''}
      </span>
    </span>
  );
};
