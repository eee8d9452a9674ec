import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { call } from '../api/problem.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AuthenticatorCode } from '../ui/AuthenticatorCode.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { CopyButton } from '../ui/CopyButton.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { Loading } from '../ui/Loading.tsx';
import { OwnLanguage } from './OwnLanguage.tsx';

/**
 * The signed-in person's own settings: adding or removing an authenticator app, and the language
 * of their e-mails.
 */
export const Security = () => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const status = useQuery({
    queryKey: ['mfa'],
    queryFn: () => call(api().GET('/session/mfa', {})),
  });
  const settled = () => void queries.invalidateQueries({ queryKey: ['mfa'] });
  const setup = useMutation({ mutationFn: () => call(api().POST('/session/mfa/setup', {})) });
  const disable = useMutation({
    mutationFn: () => call(api().POST('/session/mfa/disable', {})),
    onSettled: settled,
  });
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('security.title')}</h1>
      <h2>{t('mfa.title')}</h2>
      <p>{t('mfa.about')}</p>
      <ErrorNotice
        error={status.error ?? setup.error ?? disable.error}
        onRetry={() => void status.refetch()}
      />
      {status.isPending ? <Loading /> : null}
      {status.data && !status.data.offered && !status.data.enabled ? (
        <p role="status">{t('mfa.notOffered')}</p>
      ) : null}
      {status.data?.enabled ? (
        <>
          <p role="status">{t('mfa.on')}</p>
          <ConfirmButton
            danger
            label={t('mfa.turnOff')}
            question={t('mfa.confirmOff')}
            onConfirm={() => disable.mutate()}
          />
        </>
      ) : null}
      {status.data?.offered && !status.data.enabled && !setup.data ? (
        <>
          <p role="status">{t('mfa.off')}</p>
          <button
            type="button"
            className="primary"
            disabled={setup.isPending}
            onClick={() => setup.mutate()}
          >
            {t('mfa.add')}
          </button>
        </>
      ) : null}
      {setup.data && !status.data?.enabled ? (
        <ConfirmApp
          secret={setup.data.secret}
          uri={setup.data.uri}
          onEnabled={() => {
            setup.reset();
            settled();
          }}
        />
      ) : null}
      <OwnLanguage />
    </main>
  );
};

/** The new key, to type or open in the app, and the first code that proves the app holds it. */
const ConfirmApp = ({
  secret,
  uri,
  onEnabled,
}: {
  secret: string;
  uri: string;
  onEnabled: () => void;
}) => {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const enable = useMutation({
    mutationFn: () => call(api().POST('/session/mfa/enable', { body: { code: code.trim() } })),
    onSuccess: onEnabled,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    enable.mutate();
  };
  return (
    <section aria-labelledby="mfa-setup">
      <h3 id="mfa-setup">{t('mfa.setupTitle')}</h3>
      <p>{t('mfa.setupHelp')}</p>
      <p>
        <code id="mfa-key" className="secret">
          {secret}
        </code>{' '}
        <CopyButton text={t('mfa.copyKey')} value={secret} label={t('mfa.copyKey')} />{' '}
        <a href={uri}>{t('mfa.openApp')}</a>
      </p>
      <form onSubmit={submit}>
        <AuthenticatorCode value={code} onChange={setCode} />
        <ErrorNotice error={enable.error} />
        <button type="submit" className="primary" disabled={enable.isPending}>
          {t('mfa.turnOn')}
        </button>
      </form>
    </section>
  );
};
