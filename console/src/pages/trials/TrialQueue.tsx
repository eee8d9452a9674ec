import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Trial } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';

const statuses = ['pending', 'issued', 'declined'] as const;
type Status = (typeof statuses)[number];

/** The vendor's view: trials across customers by status; pending ones are approved or declined. */
export const TrialQueue = () => {
  const { t, formatDate } = useI18n();
  const queries = useQueryClient();
  const [status, setStatus] = useState<Status>('pending');
  const [declining, setDeclining] = useState<Trial | undefined>();
  const paged = usePaged(['trials', status], (cursor) =>
    call(
      api().GET('/trials', {
        params: { query: { status, limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const approve = useMutation({
    mutationFn: (trial: Trial) =>
      call(
        api().POST('/customers/{customerId}/trials/{productCode}/approve', {
          params: { path: { customerId: trial.customerId, productCode: trial.productCode } },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['trials'] }),
  });
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('trials.queueTitle')}</h1>
      <div className="toolbar">
        <Field label={t('trials.status')}>
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t(`trials.status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorNotice
        error={paged.query.error ?? approve.error}
        onRetry={() => void paged.query.refetch()}
      />
      {paged.query.isPending ? <Loading /> : null}
      {paged.items.length === 0 && !paged.query.isPending ? (
        <p className="muted">{t('trials.none')}</p>
      ) : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('trials.customer'),
              t('trials.product'),
              t('trials.recipient'),
              t('trials.requested'),
              t('trials.status'),
              t('common.actions'),
            ]}
          />
          <tbody>
            {paged.items.map((trial) => (
              <tr key={`${trial.customerId}/${trial.productCode}`}>
                <td>
                  <a href={href.customer(trial.customerId)}>{trial.customerId}</a>
                </td>
                <td>{trial.productCode}</td>
                <td>{trial.registeredEmail}</td>
                <td>{formatDate(trial.requestedAt)}</td>
                <td>
                  <span className={`badge trial-${trial.status}`}>
                    {t(`trials.status.${trial.status}`)}
                  </span>
                </td>
                <td className="actions">
                  {trial.status === 'pending' ? (
                    <>
                      <ConfirmButton
                        label={t('trials.approve')}
                        question={t('trials.confirmApprove', {
                          product: trial.productCode,
                          days: trial.policy.days,
                        })}
                        disabled={approve.isPending}
                        onConfirm={() => approve.mutate(trial)}
                      />
                      <button type="button" onClick={() => setDeclining(trial)}>
                        {t('trials.decline')}
                      </button>
                    </>
                  ) : trial.licenseId ? (
                    <a href={href.license(trial.licenseId)}>{t('trials.openLicense')}</a>
                  ) : (
                    (trial.reason ?? '')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
      {declining ? (
        <DeclineTrial trial={declining} onClose={() => setDeclining(undefined)} />
      ) : null}
    </main>
  );
};

const DeclineTrial = ({ trial, onClose }: { trial: Trial; onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  const decline = useMutation({
    mutationFn: () =>
      call(
        api().POST('/customers/{customerId}/trials/{productCode}/decline', {
          params: { path: { customerId: trial.customerId, productCode: trial.productCode } },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['trials'] });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    decline.mutate();
  };
  return (
    <Modal title={t('trials.declineTitle', { product: trial.productCode })} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label={t('trials.reason')}>
          <textarea
            rows={3}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </Field>
        <ErrorNotice error={decline.error} onRetry={() => decline.mutate()} />
        <div className="actions">
          <button type="submit" className="danger" disabled={decline.isPending}>
            {t('trials.decline')}
          </button>
        </div>
      </form>
    </Modal>
  );
};
