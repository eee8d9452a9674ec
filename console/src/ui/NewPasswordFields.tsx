import { useI18n } from '../i18n/i18n.tsx';

export interface NewPassword {
  password: string;
  repeat: string;
}

/** A new password typed twice; `describedBy` names the text that states the policy. */
export const NewPasswordFields = ({
  value,
  onChange,
  describedBy,
}: {
  value: NewPassword;
  onChange: (next: NewPassword) => void;
  describedBy?: string;
}) => {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t('signIn.newPassword')}
        <input
          type="password"
          name="new-password"
          autoComplete="new-password"
          aria-describedby={describedBy}
          required
          minLength={12}
          value={value.password}
          onChange={(e) => onChange({ ...value, password: e.target.value })}
        />
      </label>
      <label>
        {t('signIn.repeatPassword')}
        <input
          type="password"
          name="repeat-password"
          autoComplete="new-password"
          required
          value={value.repeat}
          onChange={(e) => onChange({ ...value, repeat: e.target.value })}
        />
      </label>
    </>
  );
};
