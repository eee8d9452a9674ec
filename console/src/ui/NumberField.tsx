import { Field } from './Field.tsx';

/** A labelled whole-number input that must be filled (seat limits, activation counts). */
export const NumberField = ({
  label,
  min,
  value,
  onChange,
}: {
  label: string;
  min: number;
  value: string;
  onChange: (value: string) => void;
}) => (
  <Field label={label}>
    <input
      type="number"
      min={min}
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  </Field>
);
