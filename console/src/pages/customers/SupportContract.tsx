import { type FormEvent, useState } from 'react';
import type { Customer } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { useCustomerPatch } from './customer-patch.ts';

/**
 * The customer's support contract: the services its tickets may be about. The vendor's staff
 * change it (with the version they saw); the customer's people read it.
 */
export const SupportContract = ({
  customer,
  editable,
}: {
  customer: Customer;
  editable: boolean;
}) => {
  const { t } = useI18n();
  const [text, setText] = useState((customer.supportServices ?? []).join('\n'));
  const services = [
    ...new Set(
      text
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const save = useCustomerPatch(customer);
  const change = () => save.mutate({ supportServices: services.length > 0 ? services : null });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change();
  };
  return (
    <section aria-labelledby="contract-heading">
      <h2 id="contract-heading">{t('customers.supportContract')}</h2>
      {editable ? (
        <form className="stack" onSubmit={submit}>
          <Field label={t('customers.supportServices')}>
            <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
          <ErrorNotice error={save.error} onRetry={change} />
          <div className="actions">
            <button type="submit" disabled={save.isPending}>
              {t('customers.saveContract')}
            </button>
          </div>
        </form>
      ) : customer.supportServices ? (
        <ul>
          {customer.supportServices.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      ) : (
        <p>{t('tickets.noContract')}</p>
      )}
    </section>
  );
};
