import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { Product } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { type Aggregation, aggregations, SeatModelSelect } from './SeatModelSelect.tsx';
import { TrialPolicyFields, trialDraft, trialOf } from './TrialPolicyFields.tsx';

/** Modules as typed: `code` or `code: Name`, one per line. */
const parseModules = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [code = '', ...name] = line.split(':');
      return { code: code.trim().toLowerCase(), name: name.join(':').trim() || code.trim() };
    });

/** A product's name, modules, seat model, aggregation, returnability and trial, with If-Match. */
export const EditProduct = ({ product, onClose }: { product: Product; onClose: () => void }) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [name, setName] = useState(product.name);
  const [modules, setModules] = useState(
    product.modules.map((m) => `${m.code}: ${m.name}`).join('\n'),
  );
  const [seatModel, setSeatModel] = useState(product.seatModel);
  const [aggregation, setAggregation] = useState(product.aggregation);
  const [returnable, setReturnable] = useState(product.returnable);
  const [trial, setTrial] = useState(() => trialDraft(product.trial));
  // The API refuses to change how seats count while licenses of the product exist.
  const locked = product.licenseCount > 0;
  const save = useMutation({
    mutationFn: () =>
      call(
        api().PATCH('/products/{code}', {
          params: { path: { code: product.code } },
          headers: { 'if-match': `"${product.version}"` },
          body: {
            name: name.trim(),
            modules: parseModules(modules),
            ...(seatModel !== product.seatModel ? { seatModel } : {}),
            ...(aggregation !== product.aggregation ? { aggregation } : {}),
            returnable,
            ...(trial.offered || product.trial ? { trial: trialOf(trial) } : {}),
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
    save.mutate();
  };
  return (
    <Modal title={t('products.edit', { code: product.code })} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <Field label={t('products.name')}>
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('products.modulesHelp')}>
          <textarea rows={4} value={modules} onChange={(e) => setModules(e.target.value)} />
        </Field>
        <SeatModelSelect
          value={seatModel}
          onChange={setSeatModel}
          disabled={locked}
          describedBy={locked ? 'counting-locked' : undefined}
        />
        <Field label={t('products.aggregation')}>
          <select
            disabled={locked}
            aria-describedby={locked ? 'counting-locked' : undefined}
            value={aggregation}
            onChange={(e) => setAggregation(e.target.value as Aggregation)}
          >
            {aggregations.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        {locked ? (
          <p id="counting-locked" className="muted">
            {t('products.countingLocked', { n: product.licenseCount })}
          </p>
        ) : null}
        <label className="inline">
          <input
            type="checkbox"
            checked={returnable}
            onChange={(e) => setReturnable(e.target.checked)}
          />
          {t('products.returnable')}
        </label>
        <TrialPolicyFields draft={trial} onChange={setTrial} />
        <ErrorNotice
          error={save.error}
          onRetry={() => save.mutate()}
          onReload={() => {
            void queries.invalidateQueries({ queryKey: ['products'] });
            onClose();
          }}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
};
