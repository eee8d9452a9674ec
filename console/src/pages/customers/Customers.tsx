import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';

export const Customers = () => {
  const { t } = useI18n();
  const [adding, setAdding] = useState(false);
  const paged = usePaged(['customers', 'list'], (cursor) =>
    call(
      api().GET('/customers', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
    ),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('customers.title')}</h1>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          {t('customers.add')}
        </button>
      </div>
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      {paged.query.isPending ? <Loading /> : null}
      {paged.query.data && paged.items.length === 0 ? <p>{t('common.none')}</p> : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[t('customers.name'), t('customers.domain'), t('customers.projects')]}
          />
          <tbody>
            {paged.items.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={href.customer(c.id)}>{c.name}</a>
                </td>
                <td>{c.contactEmail?.split('@')[1] ?? '—'}</td>
                <td>{c.projectCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
      {adding ? <AddCustomer onClose={() => setAdding(false)} /> : null}
    </main>
  );
};

const AddCustomer = ({ onClose }: { onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const add = useMutation({
    mutationFn: () => call(api().POST('/customers', { body: { name: name.trim() } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['customers'] });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Modal title={t('customers.add')} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label={t('customers.name')}>
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <ErrorNotice error={add.error} onRetry={() => add.mutate()} />
        <div className="actions">
          <button type="submit" className="primary" disabled={add.isPending}>
            {t('common.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
};
