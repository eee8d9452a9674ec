import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Person } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { chosenLanguage, LanguageOptions } from '../../ui/LanguageOptions.tsx';

/**
 * The language a person's e-mails are written in, changed from the People table: their own, or
 * the default (their customer's, else the vendor's). Sent with the version the table showed.
 */
export const PersonLanguage = ({ person }: { person: Person }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const change = useMutation({
    mutationFn: (language: 'en' | 'it' | null) =>
      call(
        api().PATCH('/people/{personId}', {
          params: { path: { personId: person.id } },
          headers: { 'if-match': `"${person.version}"` },
          body: { language },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <>
      <select
        aria-label={t('people.languageOf', { email: person.email })}
        value={person.language ?? ''}
        disabled={change.isPending}
        onChange={(e) => change.mutate(chosenLanguage(e.target.value))}
      >
        <LanguageOptions />
      </select>
      <ErrorNotice error={change.error} />
    </>
  );
};
