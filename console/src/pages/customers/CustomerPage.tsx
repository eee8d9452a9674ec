import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call, isNotFound } from '../../api/problem.ts';
import { customerProjectsKey, useCustomerProjects } from '../../api/projects.ts';
import { useSession } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { TableHead } from '../../ui/TableHead.tsx';
import { NotFound } from '../NotFound.tsx';
import { CustomerLanguage } from './CustomerLanguage.tsx';
import { ProjectRelays } from './Relays.tsx';
import { SupportContract } from './SupportContract.tsx';

/** A customer's projects, its support contract, and each project's pools with used / limit. */
export const CustomerPage = ({ customerId }: { customerId: string }) => {
  const { t } = useI18n();
  const session = useSession();
  // The vendor's staff change the contract (customer:update); the customer's people read it.
  const staff = session.state.status === 'signedIn' && !session.state.person.customerId;
  // Relays are managed by the vendor's staff and the customer's company users (relay:manage).
  const managesRelays =
    session.state.status === 'signedIn' &&
    (staff || session.state.person.role === 'customer-admin');
  const customer = useQuery({
    queryKey: ['customers', 'one', customerId],
    queryFn: () => call(api().GET('/customers/{customerId}', { params: { path: { customerId } } })),
    retry: (count, error) => !isNotFound(error) && count < 2,
  });
  const projects = useCustomerProjects(customerId, { enabled: customer.isSuccess });
  const pools = usePaged(['customers', 'pools', customerId], (cursor) =>
    call(
      api().GET('/customers/{customerId}/pools', {
        params: { path: { customerId }, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  if (isNotFound(customer.error)) return <NotFound />;
  if (customer.isPending) return <Loading />;
  const projectName = (id: string) => projects.data?.items.find((p) => p.id === id)?.name ?? id;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{customer.data?.name}</h1>
      <ErrorNotice
        error={customer.error ?? projects.error ?? pools.query.error}
        onRetry={() => void customer.refetch()}
      />
      <section aria-labelledby="projects-heading">
        <h2 id="projects-heading">{t('customers.projects')}</h2>
        <ul>
          {projects.data?.items.map((p) => (
            <li key={p.id}>{p.name}</li>
          ))}
        </ul>
        <AddProject customerId={customerId} />
      </section>
      {customer.data ? (
        <>
          <SupportContract key={customer.data.version} customer={customer.data} editable={staff} />
          <CustomerLanguage
            key={`language-${customer.data.version}`}
            customer={customer.data}
            editable={staff}
          />
        </>
      ) : null}
      <section aria-labelledby="pools-heading">
        <h2 id="pools-heading">{t('customers.pools')}</h2>
        {pools.items.length === 0 && pools.query.data ? <p>{t('common.none')}</p> : null}
        {pools.items.length > 0 ? (
          <table>
            <TableHead
              columns={[
                t('customers.project'),
                t('licenses.product'),
                t('products.seatModel'),
                t('licenses.used'),
              ]}
            />
            <tbody>
              {pools.items.map((pool) => (
                <tr key={`${pool.projectId}/${pool.productCode}`}>
                  <td>{projectName(pool.projectId)}</td>
                  <td>{pool.productCode}</td>
                  <td>{pool.seatModel}</td>
                  <td>
                    <meter
                      min={0}
                      max={Math.max(pool.limit, 1)}
                      value={pool.used}
                      aria-label={`${pool.productCode} ${t('customers.usedOfLimit', { used: pool.used, limit: pool.limit })}`}
                    />{' '}
                    {t('customers.usedOfLimit', { used: pool.used, limit: pool.limit })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Pager {...pools} />
      </section>
      {managesRelays ? (
        <section aria-labelledby="relays-heading">
          <h2 id="relays-heading">{t('relays.heading')}</h2>
          <p className="muted">{t('relays.intro')}</p>
          {projects.data?.items.map((p) => (
            <ProjectRelays
              key={p.id}
              customerId={customerId}
              projectId={p.id}
              projectName={p.name}
            />
          ))}
        </section>
      ) : null}
    </main>
  );
};

const AddProject = ({ customerId }: { customerId: string }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call(
        api().POST('/customers/{customerId}/projects', {
          params: { path: { customerId } },
          body: { name: name.trim() },
        }),
      ),
    onSuccess: () => {
      setName('');
      void queries.invalidateQueries({ queryKey: customerProjectsKey(customerId) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form className="toolbar" onSubmit={submit}>
      <Field label={t('customers.newProject')}>
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <button type="submit" disabled={add.isPending}>
        {t('customers.addProject')}
      </button>
      <ErrorNotice error={add.error} onRetry={() => add.mutate()} />
    </form>
  );
};
