import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../api/problem.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** What a challenge step gets from the sign-in page: who, the challenge, and how to start over. */
export interface ChallengeStepProps {
  email: string;
  challenge: string;
  onFailed: () => void;
}

/**
 * A sign-in step that answers a challenge (new password, authenticator code): runs `answer` on
 * submit, shows a refusal as a sentence, and starts over when the sign-in itself has ended
 * (a 401: the challenge is spent, too old, or the person was disabled meanwhile).
 */
export const useChallengeStep = (
  answer: () => Promise<unknown>,
  onFailed: () => void,
  check?: () => string | undefined,
) => {
  const { t } = useI18n();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = check?.();
    if (invalid) return setError(invalid);
    setBusy(true);
    setError(undefined);
    try {
      await answer();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) return onFailed();
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
};
