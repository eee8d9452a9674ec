import { useState } from 'react';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { AuthenticatorCode } from '../ui/AuthenticatorCode.tsx';
import { Refusal } from '../ui/Refusal.tsx';
import { type ChallengeStepProps, useChallengeStep } from './challenge-step.ts';

/** The second step of a sign-in: the code the person's authenticator app shows now. */
export const MfaCode = ({ email, challenge, onFailed }: ChallengeStepProps) => {
  const { t } = useI18n();
  const session = useSession();
  const [code, setCode] = useState('');
  const { error, busy, submit } = useChallengeStep(
    () =>
      session.answerMfa(email, challenge, code.trim()).catch((caught: unknown) => {
        // A wrong code leaves the step open for the next one; the field starts empty again.
        setCode('');
        throw caught;
      }),
    onFailed,
  );

  return (
    <main id="main" tabIndex={-1} className="sign-in">
      <h1>{t('mfa.signInTitle')}</h1>
      <p id="mfa-help">{t('mfa.signInHelp')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <AuthenticatorCode value={code} onChange={setCode} describedBy="mfa-help" />
        <Refusal message={error} />
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
