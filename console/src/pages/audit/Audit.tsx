import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { paths } from '../../api/schema.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { EventRows } from './EventRows.tsx';

type Filterable = NonNullable<
  NonNullable<paths['/audit-events']['get']['parameters']['query']>['entityType']
>;
// Typed from the API's filter, so an entity type the API no longer knows fails the typecheck.
const entityTypes = [
  'product',
  'customer',
  'project',
  'token',
  'license',
  'pool',
  'person',
] as const satisfies readonly Filterable[];
type EntityType = (typeof entityTypes)[number];

/** Every change anyone made, newest first, filtered by entity. */
export const Audit = () => {
  const { t } = useI18n();
  const [entityType, setEntityType] = useState<EntityType | ''>('');
  const [entityId, setEntityId] = useState('');
  const [filter, setFilter] = useState<{ entityType?: EntityType; entityId?: string }>({});
  const paged = usePaged(['audit', filter], (cursor) =>
    call(
      api().GET('/audit-events', {
        params: { query: { limit: 50, ...(cursor ? { cursor } : {}), ...filter } },
      }),
    ),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilter({
      ...(entityType ? { entityType } : {}),
      ...(entityId.trim() ? { entityId: entityId.trim() } : {}),
    });
  };
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('audit.title')}</h1>
      <form className="toolbar" onSubmit={submit}>
        <Field label={t('audit.entityType')}>
          <select
            value={entityType}
            onChange={(e) => setEntityType(e.target.value as EntityType | '')}
          >
            <option value="">{t('audit.any')}</option>
            {entityTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('audit.entityId')}>
          <input value={entityId} onChange={(e) => setEntityId(e.target.value)} />
        </Field>
        <button type="submit">{t('audit.filter')}</button>
      </form>
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      {paged.query.isPending ? <Loading /> : <EventRows events={paged.items} />}
      <Pager {...paged} />
    </main>
  );
};
