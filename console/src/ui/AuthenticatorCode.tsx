import { useI18n } from '../i18n/i18n.tsx';

/** The six digits an authenticator app shows, labelled, with the browser's one-time-code fill. */
export const AuthenticatorCode = ({
  value,
  onChange,
  describedBy,
}: {
  value: string;
  onChange: (code: string) => void;
  describedBy?: string;
}) => {
  const { t } = useI18n();
  return (
    <label>
      {t('mfa.code')}
      <input
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        aria-describedby={describedBy}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
};
