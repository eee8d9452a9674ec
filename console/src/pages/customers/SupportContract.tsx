import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Customer } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';

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
  const queries = useQueryClient();
  const [text, setText] = useState((customer.supportServices ?? []).join('\n'));
  const services = [
    ...new Set(
      text
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const save = useMutation({
    mutationFn: () =>
      call(
        api().PATCH('/customers/{customerId}', {
          params: { path: { customerId: customer.id } },
          headers: { 'if-match': `"${customer.version}"` },
          body: { supportServices: services.length > 0 ? services : null },
        }),
      ),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['customers'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="contract-heading">
      <h2 id="contract-heading">{t('customers.supportContract')}</h2>
      {editable ? (
        <form className="stack" onSubmit={submit}>
          <Field label={t('customers.supportServices')}>
            <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
          <ErrorNotice error={save.error} onRetry={() => save.mutate()} />
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
