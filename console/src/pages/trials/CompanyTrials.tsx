import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useCustomerProjects } from '../../api/projects.ts';
import type { Product, Project, Trial } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../router.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { TableHead } from '../../ui/TableHead.tsx';

/**
 * A customer's view: the products that offer a trial, and where the company stands with each.
 * A company user requests one into a project; the API allows one per product.
 */
export const CompanyTrials = ({
  customerId,
  canRequest,
}: {
  customerId: string;
  canRequest: boolean;
}) => {
  const { t, formatDate } = useI18n();
  const [requesting, setRequesting] = useState<Product | undefined>();
  const products = useQuery({
    queryKey: ['products', 'all'],
    queryFn: () => call(api().GET('/products', { params: { query: { limit: 100 } } })),
  });
  const trials = useQuery({
    queryKey: ['trials', 'company', customerId],
    queryFn: () =>
      call(
        api().GET('/customers/{customerId}/trials', {
          params: { path: { customerId }, query: { limit: 100 } },
        }),
      ),
  });
  const offered = (products.data?.items ?? []).filter((p) => p.trial);
  const trialOf = (code: string): Trial | undefined =>
    trials.data?.items.find((x) => x.productCode === code);
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('trials.title')}</h1>
      <p className="muted">{t('trials.intro')}</p>
      <ErrorNotice
        error={products.error ?? trials.error}
        onRetry={() => {
          void products.refetch();
          void trials.refetch();
        }}
      />
      {products.isPending || trials.isPending ? <Loading /> : null}
      {!products.isPending && offered.length === 0 ? (
        <p className="muted">{t('trials.noneOffered')}</p>
      ) : null}
      {offered.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('trials.product'),
              t('trials.terms'),
              t('trials.status'),
              t('common.actions'),
            ]}
          />
          <tbody>
            {offered.map((product) => {
              const trial = trialOf(product.code);
              const policy = product.trial;
              return (
                <tr key={product.code}>
                  <td>{product.name}</td>
                  <td>
                    {policy
                      ? t('trials.policy', {
                          days: policy.days,
                          seats: policy.seatLimit,
                          activations: policy.maxActivations,
                        })
                      : null}
                    {policy?.approval === 'vendor' ? ` · ${t('trials.needsApproval')}` : ''}
                  </td>
                  <td>
                    {trial ? (
                      <span className={`badge trial-${trial.status}`}>
                        {t(`trials.status.${trial.status}`)}
                      </span>
                    ) : (
                      t('trials.notRequested')
                    )}
                    {trial?.validTill
                      ? ` · ${t('trials.until', { date: formatDate(trial.validTill) })}`
                      : ''}
                    {trial?.reason ? ` · ${trial.reason}` : ''}
                  </td>
                  <td>
                    {trial?.licenseId ? (
                      <a href={href.license(trial.licenseId)}>{t('trials.openLicense')}</a>
                    ) : !trial && canRequest ? (
                      <button
                        type="button"
                        className="primary"
                        onClick={() => setRequesting(product)}
                      >
                        {t('trials.request', { product: product.name })}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {requesting ? (
        <RequestTrial
          customerId={customerId}
          product={requesting}
          onClose={() => setRequesting(undefined)}
        />
      ) : null}
    </main>
  );
};

const RequestTrial = ({
  customerId,
  product,
  onClose,
}: {
  customerId: string;
  product: Product;
  onClose: () => void;
}) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const projects = useCustomerProjects(customerId);
  const [projectId, setProjectId] = useState('');
  const [email, setEmail] = useState('');
  // The API lists only the projects this person sees; the default one first if it is among them.
  const choices = projects.data?.items ?? [];
  const chosen = projectId || (choices.find((p) => p.isDefault) ?? choices[0])?.id || '';
  const request = useMutation({
    mutationFn: () =>
      call(
        api().POST('/customers/{customerId}/trials', {
          params: { path: { customerId } },
          body: {
            productCode: product.code,
            ...(chosen ? { projectId: chosen } : {}),
            ...(email.trim() ? { registeredEmail: email.trim() } : {}),
          },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['trials'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  const done = request.data;
  return (
    <Modal title={t('trials.request', { product: product.name })} onClose={onClose}>
      {done ? (
        <p role="status">{done.status === 'issued' ? t('trials.issued') : t('trials.waiting')}</p>
      ) : (
        <form className="stack" onSubmit={submit}>
          <Field label={t('trials.project')}>
            <select value={chosen} onChange={(e) => setProjectId(e.target.value)}>
              {choices.map((p: Project) => (
                <option key={p.id} value={p.id}>
                  {p.isDefault ? t('trials.defaultProjectNamed', { name: p.name }) : p.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('trials.recipientOptional')}>
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <ErrorNotice error={request.error} onRetry={() => request.mutate()} />
          <div className="actions">
            <button type="submit" className="primary" disabled={request.isPending}>
              {t('trials.send')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
};
