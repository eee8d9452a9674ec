import type { ReactNode } from 'react';

/** A labelled control: the label wraps it, so it is named without ids to keep in step. */
export const Field = ({ label, children }: { label: string; children: ReactNode }) => (
  // biome-ignore lint/a11y/noLabelWithoutControl: the control is `children`, inside the label
  <label>
    {label}
    {children}
  </label>
);
