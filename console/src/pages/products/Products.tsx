import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Product } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';
import { EditProduct } from './EditProduct.tsx';
import { type SeatModel, SeatModelSelect } from './SeatModelSelect.tsx';

/** The products: modules, seat model, aggregation, returnable. */
export const Products = () => {
  const { t } = useI18n();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Product | undefined>();
  const paged = usePaged(['products'], (cursor) =>
    call(
      api().GET('/products', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
    ),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('products.title')}</h1>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          {t('products.add')}
        </button>
      </div>
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      {paged.query.isPending ? <Loading /> : null}
      {paged.query.data && paged.items.length === 0 ? <p>{t('common.none')}</p> : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('products.code'),
              t('products.name'),
              t('products.seatModel'),
              t('products.aggregation'),
              t('products.returnable'),
              t('products.modules'),
              t('common.actions'),
            ]}
          />
          <tbody>
            {paged.items.map((p) => (
              <tr key={p.code}>
                <td className="mono">{p.code}</td>
                <td>{p.name}</td>
                <td>{p.seatModel}</td>
                <td>{p.aggregation}</td>
                <td>{p.returnable ? t('common.yes') : t('common.no')}</td>
                <td>{p.modules.map((m) => m.code).join(', ')}</td>
                <td>
                  <button
                    type="button"
                    aria-label={t('products.edit', { code: p.code })}
                    onClick={() => setEditing(p)}
                  >
                    {t('license.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
      {adding ? <AddProduct onClose={() => setAdding(false)} /> : null}
      {editing ? <EditProduct product={editing} onClose={() => setEditing(undefined)} /> : null}
    </main>
  );
};

const AddProduct = ({ onClose }: { onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [seatModel, setSeatModel] = useState<SeatModel>('concurrent');
  const [modules, setModules] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call(
        api().POST('/products', {
          body: {
            code: code.trim(),
            name: name.trim(),
            seatModel,
            modules: modules
              .split(',')
              .map((m) => m.trim())
              .filter(Boolean)
              .map((m) => ({ code: m.toLowerCase(), name: m })),
          },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['products'] });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Modal title={t('products.add')} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label={t('products.code')}>
          <input required value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} />
        </Field>
        <Field label={t('products.name')}>
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <SeatModelSelect value={seatModel} onChange={setSeatModel} />
        <Field label={t('products.modules')}>
          <input value={modules} onChange={(e) => setModules(e.target.value)} />
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
