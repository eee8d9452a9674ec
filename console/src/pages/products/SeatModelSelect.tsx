import type { Product } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Field } from '../../ui/Field.tsx';

export type SeatModel = Product['seatModel'];
export type Aggregation = Product['aggregation'];

// Typed from the API's product, so a value it no longer accepts fails the typecheck.
export const seatModels = ['concurrent', 'named', 'instance'] as const satisfies SeatModel[];
export const aggregations = ['sum', 'max'] as const satisfies Aggregation[];

/** How a product's seats count, for adding a product and for editing one. */
export const SeatModelSelect = ({
  value,
  onChange,
  disabled,
  describedBy,
}: {
  value: SeatModel;
  onChange: (next: SeatModel) => void;
  disabled?: boolean;
  describedBy?: string | undefined;
}) => {
  const { t } = useI18n();
  return (
    <Field label={t('products.seatModel')}>
      <select
        disabled={disabled}
        aria-describedby={describedBy}
        value={value}
        onChange={(e) => onChange(e.target.value as SeatModel)}
      >
        {seatModels.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </Field>
  );
};
