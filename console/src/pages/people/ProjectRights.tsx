import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useCustomerProjects } from '../../api/projects.ts';
import type { Person } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Modal } from '../../ui/Modal.tsx';

/**
 * Which of their customer's projects a customer's person sees: all of them, or some. Shown in
 * the People table with a button to change it (sent with the version the table showed).
 */
export const ProjectRights = ({ person }: { person: Person & { customerId: string } }) => {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const projects = useCustomerProjects(person.customerId);
  const nameOf = (id: string) => projects.data?.items.find((p) => p.id === id)?.name ?? id;
  return (
    <>
      {person.projectIds ? person.projectIds.map(nameOf).join(', ') : t('people.allProjects')}{' '}
      <button type="button" onClick={() => setEditing(true)}>
        {t('people.changeProjects', { email: person.email })}
      </button>
      {editing ? <EditProjectRights person={person} onClose={() => setEditing(false)} /> : null}
    </>
  );
};

const EditProjectRights = ({
  person,
  onClose,
}: {
  person: Person & { customerId: string };
  onClose: () => void;
}) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const projects = useCustomerProjects(person.customerId);
  const [all, setAll] = useState(person.projectIds === undefined);
  const [chosen, setChosen] = useState(new Set(person.projectIds ?? []));
  const save = useMutation({
    mutationFn: () =>
      call(
        api().PATCH('/people/{personId}', {
          params: { path: { personId: person.id } },
          headers: { 'if-match': `"${person.version}"` },
          body: { projectIds: all ? null : [...chosen] },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['people'] });
      onClose();
    },
  });
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Modal title={t('people.projectsOf', { email: person.email })} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <label className="inline">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          {t('people.allProjects')}
        </label>
        {all ? null : (
          <fieldset className="stack">
            <legend>{t('people.onlyProjects')}</legend>
            {projects.data?.items.map((p) => (
              <label key={p.id} className="inline">
                <input
                  type="checkbox"
                  checked={chosen.has(p.id)}
                  onChange={(e) => toggle(p.id, e.target.checked)}
                />
                {p.name}
              </label>
            ))}
          </fieldset>
        )}
        <ErrorNotice error={projects.error ?? save.error} onRetry={() => save.mutate()} />
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={save.isPending || (!all && chosen.size === 0)}
          >
            {t('common.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
};
