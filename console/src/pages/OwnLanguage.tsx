import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { call } from '../api/problem.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { Field } from '../ui/Field.tsx';
import { chosenLanguage, LanguageOptions } from '../ui/LanguageOptions.tsx';

/** The language of the signed-in person's own e-mails: theirs, or their customer's default. */
export const OwnLanguage = () => {
  const { t } = useI18n();
  const session = useSession();
  const person = session.state.status === 'signedIn' ? session.state.person : undefined;
  const [language, setLanguage] = useState<string>(person?.language ?? '');
  const save = useMutation({
    mutationFn: () =>
      call(
        api().PATCH('/session/me', {
          body: { language: chosenLanguage(language) },
        }),
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="own-language">
      <h2 id="own-language">{t('language.ofEmails')}</h2>
      <form className="toolbar" onSubmit={submit}>
        <Field label={t('language.ofMyEmails')}>
          <select
            value={language}
            onChange={(e) => {
              setLanguage(e.target.value);
              save.reset();
            }}
          >
            <LanguageOptions />
          </select>
        </Field>
        <button type="submit" disabled={save.isPending}>
          {t('language.save')}
        </button>
        {save.isSuccess ? <p role="status">{t('language.saved')}</p> : null}
      </form>
      <ErrorNotice error={save.error} onRetry={() => save.mutate()} />
    </section>
  );
};
