import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { License } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { NumberField } from '../../ui/NumberField.tsx';

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '');
const endOfDay = (date: string) => (date ? `${date}T23:59:59Z` : undefined);

/**
 * The license's terms, and their edit. The edit sends the version it was made on (If-Match):
 * if someone changed the license meanwhile, the API refuses and the page says "reload" instead
 * of overwriting their change.
 */
export const Terms = ({ license }: { license: License }) => {
  const { t, formatDate } = useI18n();
  const [editing, setEditing] = useState(false);
  return (
    <section aria-labelledby="terms-heading">
      <h2 id="terms-heading">{t('license.terms')}</h2>
      {editing ? (
        <EditTerms license={license} onDone={() => setEditing(false)} />
      ) : (
        <>
          <dl className="terms">
            <dt>{t('license.key')}</dt>
            <dd className="mono">{license.key}</dd>
            <dt>{t('licenses.product')}</dt>
            <dd>{license.productCode}</dd>
            <dt>{t('licenses.customer')}</dt>
            <dd>{license.companyName ?? license.customerId ?? '—'}</dd>
            <dt>{t('license.registeredEmail')}</dt>
            <dd>{license.registeredEmail ?? '—'}</dd>
            <dt>{t('licenses.validFrom')}</dt>
            <dd>{formatDate(license.validFrom)}</dd>
            <dt>{t('licenses.validTill')}</dt>
            <dd>{license.validTill ? formatDate(license.validTill) : t('common.perpetual')}</dd>
            <dt>{t('license.seatLimit')}</dt>
            <dd>{license.seatLimit}</dd>
            <dt>{t('license.maxActivations')}</dt>
            <dd>{license.maxActivations}</dd>
            <dt>{t('licenses.used')}</dt>
            <dd>
              {license.used} / {license.limit}
            </dd>
            <dt>{t('license.notes')}</dt>
            <dd>{license.notes ?? '—'}</dd>
          </dl>
          {license.storedStatus !== 'revoked' ? (
            <button type="button" onClick={() => setEditing(true)}>
              {t('license.edit')}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
};

const EditTerms = ({ license, onDone }: { license: License; onDone: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [seatLimit, setSeatLimit] = useState(String(license.seatLimit));
  const [maxActivations, setMaxActivations] = useState(String(license.maxActivations));
  const [validTill, setValidTill] = useState(day(license.validTill));
  const [notes, setNotes] = useState(license.notes ?? '');
  const save = useMutation({
    mutationFn: () =>
      call(
        api().PATCH('/licenses/{licenseId}', {
          params: { path: { licenseId: license.id } },
          headers: { 'if-match': `"${license.version}"` },
          body: {
            seatLimit: Number(seatLimit),
            maxActivations: Number(maxActivations),
            ...(validTill ? { validTill: endOfDay(validTill) } : {}),
            ...(notes !== (license.notes ?? '') ? { notes } : {}),
          },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['licenses'] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const reload = () => {
    void queries.invalidateQueries({ queryKey: ['licenses'] });
    onDone();
  };
  return (
    <form onSubmit={submit} className="stack">
      <NumberField
        label={t('license.seatLimit')}
        min={0}
        value={seatLimit}
        onChange={setSeatLimit}
      />
      <NumberField
        label={t('license.maxActivations')}
        min={0}
        value={maxActivations}
        onChange={setMaxActivations}
      />
      <label>
        {t('licenses.validTill')}
        <input type="date" value={validTill} onChange={(e) => setValidTill(e.target.value)} />
      </label>
      <label>
        {t('license.notes')}
        <textarea value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <ErrorNotice error={save.error} onRetry={() => save.mutate()} onReload={reload} />
      <div className="actions">
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
};
