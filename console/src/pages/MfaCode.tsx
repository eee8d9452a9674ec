import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../api/problem.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** The second step of a sign-in: the code the person's authenticator app shows now. */
export const MfaCode = ({
  email,
  challenge,
  onFailed,
}: {
  email: string;
  challenge: string;
  onFailed: () => void;
}) => {
  const { t } = useI18n();
  const session = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.answerMfa(email, challenge, code.trim());
    } catch (caught) {
      // The sign-in itself ended (too slow, or the person was disabled): start again.
      if (caught instanceof ApiError && caught.status === 401) return onFailed();
      setError(describeError(caught, t));
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" tabIndex={-1} className="sign-in">
      <h1>{t('mfa.signInTitle')}</h1>
      <p id="mfa-help">{t('mfa.signInHelp')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {t('mfa.code')}
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            aria-describedby="mfa-help"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
        {error ? (
          <p role="alert" className="notice error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {t('mfa.verify')}
        </button>
      </form>
      <button type="button" className="link" onClick={onFailed}>
        {t('signIn.back')}
      </button>
    </main>
  );
};
