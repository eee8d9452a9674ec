import { type FormEvent, useState } from 'react';
import type { Customer } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { chosenLanguage, LanguageOptions } from '../../ui/LanguageOptions.tsx';
import { useCustomerPatch } from './customer-patch.ts';

/** The language of the customer's e-mails (unless a person has their own); staff change it. */
export const CustomerLanguage = ({
  customer,
  editable,
}: {
  customer: Customer;
  editable: boolean;
}) => {
  const { t } = useI18n();
  const [language, setLanguage] = useState<string>(customer.language ?? '');
  const save = useCustomerPatch(customer);
  const change = () => save.mutate({ language: chosenLanguage(language) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change();
  };
  return (
    <form className="toolbar" onSubmit={submit}>
      <Field label={t('language.ofEmails')}>
        <select value={language} disabled={!editable} onChange={(e) => setLanguage(e.target.value)}>
          <LanguageOptions />
        </select>
      </Field>
      {editable ? (
        <button type="submit" disabled={save.isPending}>
          {t('language.save')}
        </button>
      ) : null}
      <ErrorNotice error={save.error} onRetry={change} />
    </form>
  );
};
