import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Person } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { usePaged } from '../../ui/paging.ts';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { TableHead } from '../../ui/TableHead.tsx';
import { InvitePerson, isCustomerRole, type Role, roles } from './InvitePerson.tsx';
import { PersonLanguage } from './PersonLanguage.tsx';
import { ProjectRights } from './ProjectRights.tsx';

/** The people who sign in: invite, resend, disable, enable, remove. */
export const People = () => {
  const { t } = useI18n();
  const [inviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const paged = usePaged(['people'], (cursor) =>
    call(api().GET('/people', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
  );
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('people.title')}</h1>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setInviting(true)}>
          {t('people.invite')}
        </button>
      </div>
      {notice ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}
      <ErrorNotice error={paged.query.error} onRetry={() => void paged.query.refetch()} />
      {paged.query.isPending ? <Loading /> : null}
      {paged.items.length > 0 ? (
        <table>
          <TableHead
            columns={[
              t('people.email'),
              t('people.name'),
              t('people.role'),
              t('language.ofEmails'),
              t('people.status'),
              t('people.projects'),
              t('people.signIn'),
              t('common.actions'),
            ]}
          />
          <tbody>
            {paged.items.map((p) => (
              <PersonRow key={p.id} person={p} />
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager {...paged} />
      {inviting ? (
        <InvitePerson
          onClose={() => setInviting(false)}
          onInvited={(email) => setNotice(t('people.invited', { email }))}
        />
      ) : null}
    </main>
  );
};

type PersonAction = 'disable' | 'enable' | 'invitation' | 'remove';

/** How the person signs in besides a password: an authenticator app, linked providers. */
const signInOf = (
  person: { mfa?: boolean; signInProviders?: string[] },
  t: ReturnType<typeof useI18n>['t'],
) =>
  [
    person.mfa ? t('people.authenticator') : t('people.passwordOnly'),
    ...(person.signInProviders ?? []),
  ].join(', ');

const PersonRow = ({ person }: { person: Person }) => {
  const { t } = useI18n();
  const session = useSession();
  const queries = useQueryClient();
  const act = useMutation({
    mutationFn: (action: PersonAction) => {
      const options = { params: { path: { personId: person.id } } };
      if (action === 'remove') return call(api().DELETE('/people/{personId}', options));
      if (action === 'disable') return call(api().POST('/people/{personId}/disable', options));
      if (action === 'enable') return call(api().POST('/people/{personId}/enable', options));
      return call(api().POST('/people/{personId}/invitation', options));
    },
    onSettled: () => void queries.invalidateQueries({ queryKey: ['people'] }),
  });
  const self = session.state.status === 'signedIn' && session.state.person.id === person.id;
  // A role of the same kind: staff stay staff, a customer's people stay that customer's.
  const choices = roles.filter((r) => isCustomerRole(r) === isCustomerRole(person.role));
  const changeRole = useMutation({
    mutationFn: (role: Role) =>
      call(
        api().PATCH('/people/{personId}', {
          params: { path: { personId: person.id } },
          headers: { 'if-match': `"${person.version}"` },
          body: { role },
        }),
      ),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <tr>
      <td>{person.email}</td>
      <td>{person.name ?? ''}</td>
      <td>
        {self ? (
          person.role
        ) : (
          <select
            aria-label={t('people.roleOf', { email: person.email })}
            value={person.role}
            disabled={changeRole.isPending}
            onChange={(e) => changeRole.mutate(e.target.value as Role)}
          >
            {choices.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
        <ErrorNotice error={changeRole.error} />
      </td>
      <td>
        <PersonLanguage person={person} />
      </td>
      <td>
        <StatusBadge status={person.status} />
      </td>
      <td>
        {person.customerId && !self ? (
          <ProjectRights person={{ ...person, customerId: person.customerId }} />
        ) : null}
      </td>
      <td>{signInOf(person, t)}</td>
      <td className="row-actions">
        {self ? null : (
          <>
            {person.status === 'invited' ? (
              <button type="button" onClick={() => act.mutate('invitation')}>
                {t('people.resend')}
              </button>
            ) : null}
            {person.status === 'disabled' ? (
              <button type="button" onClick={() => act.mutate('enable')}>
                {t('people.enable')}
              </button>
            ) : (
              <button type="button" onClick={() => act.mutate('disable')}>
                {t('people.disable')}
              </button>
            )}
            <ConfirmButton
              danger
              label={t('people.remove')}
              question={t('people.confirmRemove', { email: person.email })}
              onConfirm={() => act.mutate('remove')}
            />
          </>
        )}
        <ErrorNotice error={act.error} />
      </td>
    </tr>
  );
};
