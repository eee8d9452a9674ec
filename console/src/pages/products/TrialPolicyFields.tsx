import type { Product } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Field } from '../../ui/Field.tsx';
import { NumberField } from '../../ui/NumberField.tsx';

type Policy = NonNullable<Product['trial']>;

/** The trial policy as the form holds it: text while typed, a policy or null when sent. */
export interface TrialDraft {
  offered: boolean;
  days: string;
  seatLimit: string;
  maxActivations: string;
  modules: string;
  approval: Policy['approval'];
}

export const trialDraft = (policy: Policy | undefined): TrialDraft => ({
  offered: policy !== undefined,
  days: String(policy?.days ?? 30),
  seatLimit: String(policy?.seatLimit ?? 1),
  maxActivations: String(policy?.maxActivations ?? 1),
  modules: (policy?.modules ?? []).join(', '),
  approval: policy?.approval ?? 'automatic',
});

/** What PATCH /products sends: the policy, or null to stop offering a trial. */
export const trialOf = (draft: TrialDraft): Policy | null =>
  draft.offered
    ? {
        days: Number(draft.days),
        seatLimit: Number(draft.seatLimit),
        maxActivations: Number(draft.maxActivations),
        modules: draft.modules
          .split(',')
          .map((m) => m.trim().toLowerCase())
          .filter(Boolean),
        approval: draft.approval,
      }
    : null;

/** The product's trial: whether it offers one, for how long, with what, and who decides. */
export const TrialPolicyFields = ({
  draft,
  onChange,
}: {
  draft: TrialDraft;
  onChange: (draft: TrialDraft) => void;
}) => {
  const { t } = useI18n();
  const set = (patch: Partial<TrialDraft>) => onChange({ ...draft, ...patch });
  return (
    <fieldset className="stack">
      <legend>{t('products.trial')}</legend>
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.offered}
          onChange={(e) => set({ offered: e.target.checked })}
        />
        {t('products.trialOffered')}
      </label>
      {draft.offered ? (
        <>
          <NumberField
            label={t('products.trialDays')}
            min={1}
            value={draft.days}
            onChange={(days) => set({ days })}
          />
          <NumberField
            label={t('products.trialSeats')}
            min={0}
            value={draft.seatLimit}
            onChange={(seatLimit) => set({ seatLimit })}
          />
          <NumberField
            label={t('products.trialActivations')}
            min={1}
            value={draft.maxActivations}
            onChange={(maxActivations) => set({ maxActivations })}
          />
          <Field label={t('products.trialModules')}>
            <input value={draft.modules} onChange={(e) => set({ modules: e.target.value })} />
          </Field>
          <Field label={t('products.trialApproval')}>
            <select
              value={draft.approval}
              onChange={(e) => set({ approval: e.target.value as Policy['approval'] })}
            >
              <option value="automatic">{t('products.trialAutomatic')}</option>
              <option value="vendor">{t('products.trialVendor')}</option>
            </select>
          </Field>
        </>
      ) : null}
    </fieldset>
  );
};
