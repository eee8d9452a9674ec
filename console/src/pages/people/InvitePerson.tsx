import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Person } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { chosenLanguage, LanguageOptions } from '../../ui/LanguageOptions.tsx';
import { Modal } from '../../ui/Modal.tsx';

export type Role = Person['role'];
// Typed from the API's person, so a role it no longer knows fails the typecheck.
export const roles = [
  'vendor-admin',
  'vendor-support',
  'customer-admin',
  'customer-user',
] as const satisfies Role[];
export const isCustomerRole = (role: Role) => role.startsWith('customer-');

export const InvitePerson = ({
  onClose,
  onInvited,
}: {
  onClose: () => void;
  onInvited: (email: string) => void;
}) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const session = useSession();
  // A company's own administrator invites into their company only (the API says the same).
  const ownCompany =
    session.state.status === 'signedIn' ? session.state.person.customerId : undefined;
  const offered = ownCompany ? roles.filter(isCustomerRole) : roles;
  const [role, setRole] = useState<Role>(ownCompany ? 'customer-user' : 'vendor-support');
  const [customerId, setCustomerId] = useState('');
  const [language, setLanguage] = useState('');
  const customers = useQuery({
    queryKey: ['customers', 'choices'],
    queryFn: () => call(api().GET('/customers', { params: { query: { limit: 100 } } })),
    enabled: isCustomerRole(role) && !ownCompany,
  });
  const chosenCustomer = customerId || customers.data?.items[0]?.id || '';
  const own = chosenLanguage(language);
  const invite = useMutation({
    mutationFn: () =>
      call(
        api().POST('/people', {
          body: {
            email: email.trim(),
            role,
            ...(name.trim() ? { name: name.trim() } : {}),
            ...(own ? { language: own } : {}),
            ...(isCustomerRole(role) && !ownCompany && chosenCustomer
              ? { customerId: chosenCustomer }
              : {}),
          },
        }),
      ),
    onSuccess: (person) => {
      void queries.invalidateQueries({ queryKey: ['people'] });
      onInvited(person.email);
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <Modal title={t('people.invite')} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label={t('people.email')}>
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t('people.name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('people.role')}>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {offered.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        {isCustomerRole(role) && !ownCompany ? (
          <Field label={t('people.customer')}>
            <select required value={chosenCustomer} onChange={(e) => setCustomerId(e.target.value)}>
              {customers.data?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field label={t('language.ofEmails')}>
          <select value={language} onChange={(e) => setLanguage(e.target.value)}>
            <LanguageOptions />
          </select>
        </Field>
        <ErrorNotice error={invite.error} onRetry={() => invite.mutate()} />
        <div className="actions">
          <button type="submit" className="primary" disabled={invite.isPending}>
            {t('people.invite')}
          </button>
        </div>
      </form>
    </Modal>
  );
};
