import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { call } from '../api/problem.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { Field } from '../ui/Field.tsx';
import { NewPasswordFields } from '../ui/NewPasswordFields.tsx';
import { Refusal } from '../ui/Refusal.tsx';
import { SignInEmail } from '../ui/SignInEmail.tsx';

/**
 * Forgot-password: the e-mail, then the e-mailed code with a new password. The first answer is
 * the same whether the e-mail has an account or not.
 */
export const ForgotPassword = ({ onDone }: { onDone: (changed: boolean) => void }) => {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const request = useMutation({
    mutationFn: () =>
      call(api().POST('/session/forgot-password', { body: { email: email.trim() } })),
  });
  const reset = useMutation({
    mutationFn: () =>
      call(
        api().POST('/session/reset-password', {
          body: { email: email.trim(), code: code.trim(), newPassword: password },
        }),
      ),
    onSuccess: () => onDone(true),
  });
  const ask = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  const choose = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== repeat);
    if (password === repeat) reset.mutate();
  };
  return (
    <main id="main" tabIndex={-1} className="sign-in">
      <h1>{t('signIn.forgotTitle')}</h1>
      {request.isSuccess ? (
        <form onSubmit={choose}>
          <p role="status">{t('signIn.codeSent', { email })}</p>
          <Field label={t('signIn.code')}>
            <input
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </Field>
          <NewPasswordFields
            value={{ password, repeat }}
            onChange={(next) => {
              setPassword(next.password);
              setRepeat(next.repeat);
            }}
          />
          <Refusal message={mismatch ? t('signIn.mismatch') : undefined} />
          <ErrorNotice error={reset.error} onRetry={() => reset.mutate()} />
          <button type="submit" className="primary" disabled={reset.isPending}>
            {t('signIn.setPassword')}
          </button>
        </form>
      ) : (
        <form onSubmit={ask}>
          <p>{t('signIn.forgotHelp')}</p>
          <SignInEmail value={email} onChange={setEmail} />
          <ErrorNotice error={request.error} onRetry={() => request.mutate()} />
          <button type="submit" className="primary" disabled={request.isPending}>
            {t('signIn.sendCode')}
          </button>
        </form>
      )}
      <button type="button" className="link" onClick={() => onDone(false)}>
        {t('signIn.back')}
      </button>
    </main>
  );
};
