import { useI18n } from '../i18n/i18n.tsx';
import { Field } from './Field.tsx';

/** The e-mail a person signs in with: the browser's saved username fills it. */
export const SignInEmail = ({
  value,
  onChange,
}: {
  value: string;
  onChange: (email: string) => void;
}) => {
  const { t } = useI18n();
  return (
    <Field label={t('signIn.email')}>
      <input
        type="email"
        name="email"
        autoComplete="username"
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
};
