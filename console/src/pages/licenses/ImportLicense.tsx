import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Modal } from '../../ui/Modal.tsx';

/**
 * The seed's Import license modal: a key attaches an unassigned license to a customer. Add stays
 * disabled until a key is typed; Close discards what was typed.
 */
export const ImportLicense = ({ onClose }: { onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [key, setKey] = useState('');
  const [customerId, setCustomerId] = useState('');
  const customers = useQuery({
    queryKey: ['customers', 'choices'],
    queryFn: () => call(api().GET('/customers', { params: { query: { limit: 100 } } })),
  });
  const chosen = customerId || customers.data?.items[0]?.id || '';
  const add = useMutation({
    mutationFn: () =>
      call(
        api().POST('/customers/{customerId}/licenses/import', {
          params: { path: { customerId: chosen } },
          body: { key: key.trim() },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['licenses'] });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim() && chosen) add.mutate();
  };
  return (
    <Modal title={t('licenses.importTitle')} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <label>
          {t('licenses.importCustomer')}
          <select value={chosen} onChange={(e) => setCustomerId(e.target.value)} required>
            {customers.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('licenses.importKey')}
          <input
            name="license-key"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
        <ErrorNotice
          error={add.error ?? customers.error}
          onRetry={() => void customers.refetch()}
        />
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={key.trim() === '' || !chosen || add.isPending}
          >
            {t('licenses.add')}
          </button>
        </div>
      </form>
    </Modal>
  );
};
