import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../api/problem.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { BrandMark, useBrand } from '../ui/Brand.tsx';
import { NewPasswordFields } from '../ui/NewPasswordFields.tsx';
import { Refusal } from '../ui/Refusal.tsx';
import { SignInEmail } from '../ui/SignInEmail.tsx';
import { type ChallengeStepProps, useChallengeStep } from './challenge-step.ts';
import { FederatedSignIn } from './FederatedSignIn.tsx';
import { ForgotPassword } from './ForgotPassword.tsx';
import { MfaCode } from './MfaCode.tsx';

/** E-mail and password; at the first sign-in, the forced choice of a new password. */
export const SignIn = ({ reason }: { reason?: 'expired' | 'signedOut' | undefined }) => {
  const { t } = useI18n();
  const brand = useBrand();
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<
    { kind: 'NEW_PASSWORD_REQUIRED' | 'MFA_REQUIRED'; session: string } | undefined
  >();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);
  const [changed, setChanged] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? t('signIn.refused')
          : describeError(caught, t),
      );
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const step = await session.signIn(email, password);
      if (step.status !== 'SIGNED_IN') setChallenge({ kind: step.status, session: step.session });
    });
  };

  if (forgot) {
    return (
      <ForgotPassword
        onDone={(done) => {
          setForgot(false);
          setChanged(done);
        }}
      />
    );
  }
  if (challenge?.kind === 'MFA_REQUIRED') {
    return (
      <MfaCode
        email={email}
        challenge={challenge.session}
        onFailed={() => setChallenge(undefined)}
      />
    );
  }
  if (challenge) {
    return (
      <NewPassword
        email={email}
        challenge={challenge.session}
        onFailed={() => setChallenge(undefined)}
      />
    );
  }
  return (
    <main id="main" tabIndex={-1} className="sign-in">
      {brand?.logoUrl ? <BrandMark brand={brand} /> : null}
      <h1>{t('signIn.title', { brand: brand?.name ?? 'Tessera' })}</h1>
      {reason === 'signedOut' ? <p role="status">{t('signIn.signedOut')}</p> : null}
      {reason === 'expired' ? <p role="status">{t('problem.UNAUTHENTICATED')}</p> : null}
      {changed ? <p role="status">{t('signIn.resetDone')}</p> : null}
      <form onSubmit={submit}>
        <SignInEmail value={email} onChange={setEmail} />
        <label>
          {t('signIn.password')}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <Refusal message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
      <button type="button" className="link" onClick={() => setForgot(true)}>
        {t('signIn.forgot')}
      </button>
      <FederatedSignIn />
    </main>
  );
};

const NewPassword = ({ email, challenge, onFailed }: ChallengeStepProps) => {
  const { t } = useI18n();
  const session = useSession();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const { error, busy, submit } = useChallengeStep(
    () => session.newPassword(email, challenge, password),
    onFailed,
    () => (password !== repeat ? t('signIn.mismatch') : undefined),
  );

  return (
    <main id="main" tabIndex={-1} className="sign-in">
      <h1>{t('signIn.newPasswordTitle')}</h1>
      <p id="password-help">{t('signIn.newPasswordHelp')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <NewPasswordFields
          value={{ password, repeat }}
          onChange={(next) => {
            setPassword(next.password);
            setRepeat(next.repeat);
          }}
          describedBy="password-help"
        />
        <Refusal message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.setPassword')}
        </button>
      </form>
    </main>
  );
};
