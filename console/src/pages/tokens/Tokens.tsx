import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';
import { type Role, roles } from '../people/InvitePerson.tsx';

/** API tokens: the secret of a new one is shown once, then only its preview. */
export const Tokens = () => {
  const { t, formatDate } = useI18n();
  const queries = useQueryClient();
  const [creating, setCreating] = useState(false);
  const paged = usePaged(['tokens'], (cursor) =>
    call(api().GET('/tokens', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
  );
  const revoke = useMutation({
    mutationFn: (tokenId: string) =>
      call(api().DELETE('/tokens/{tokenId}', { params: { path: { tokenId } } })),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['tokens'] }),
  });
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('tokens.title')}</h1>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          {t('tokens.create')}
        </button>
      </div>
      <ErrorNotice
        error={paged.query.error ?? revoke.error}
        onRetry={() => void paged.query.refetch()}
      />
      {paged.query.isPending ? <Loading /> : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[t('tokens.name'), t('tokens.role'), t('tokens.created'), t('common.actions')]}
          />
          <tbody>
            {paged.items.map((token) => (
              <tr key={token.id}>
                <td>
                  {token.name} <span className="mono">{token.preview}</span>
                </td>
                <td>{token.role}</td>
                <td>{formatDate(token.createdAt)}</td>
                <td>
                  <ConfirmButton
                    danger
                    label={t('tokens.revoke')}
                    question={t('tokens.confirmRevoke', { name: token.name })}
                    onConfirm={() => revoke.mutate(token.id)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
      {creating ? <CreateToken onClose={() => setCreating(false)} /> : null}
    </main>
  );
};

const CreateToken = ({ onClose }: { onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('vendor-support');
  const create = useMutation({
    mutationFn: () => call(api().POST('/tokens', { body: { name: name.trim(), role } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['tokens'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal title={t('tokens.create')} onClose={onClose}>
      {create.data ? (
        <div className="stack">
          <p role="status">{t('tokens.shownOnce')}</p>
          <output className="mono secret">{create.data.token}</output>
        </div>
      ) : (
        <form className="stack" onSubmit={submit}>
          <Field label={t('tokens.name')}>
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('tokens.role')}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles
                .filter((r) => !r.startsWith('customer-'))
                .map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
            </select>
          </Field>
          <ErrorNotice error={create.error} onRetry={() => create.mutate()} />
          <div className="actions">
            <button type="submit" className="primary" disabled={create.isPending}>
              {t('common.create')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
};
