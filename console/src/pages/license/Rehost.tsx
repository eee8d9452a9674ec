import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { fileNameOf, saveAs } from './save-file.ts';

/**
 * RMA: the activation of a broken device moves to a replacement on the same slot. The replacement
 * is named by its fingerprint (it then activates online) or by its request file (its license file
 * is downloaded at once, to carry to it).
 */
export const Rehost = ({
  licenseId,
  activationId,
  host,
}: {
  licenseId: string;
  activationId: string;
  host: string;
}) => {
  const { t } = useI18n();
  const queries = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [file, setFile] = useState<File | undefined>();
  const move = useMutation({
    mutationFn: async () => {
      const replacement = file
        ? { request: (await file.text()).trim() }
        : { fingerprint: fingerprint.trim() };
      const answer = await call(
        api().POST('/licenses/{licenseId}/activations/{activationId}/rehost', {
          params: { path: { licenseId, activationId } },
          body: { reason: reason.trim(), ...replacement },
        }),
      );
      if (answer.licenseFile) saveAs(fileNameOf(answer.activationId), answer.licenseFile);
      return answer;
    },
    onSuccess: () => setOpen(false),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['licenses'] }),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    move.mutate();
  };
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        {t('rehost.open', { host })}
      </button>
      {move.data && !open ? (
        <span role="status">{t('rehost.done', { id: move.data.activationId })}</span>
      ) : null}
      {open ? (
        <Modal title={t('rehost.title', { host })} onClose={() => setOpen(false)}>
          <form onSubmit={onSubmit} className="stack">
            <Field label={t('rehost.reason')}>
              <input
                required
                minLength={3}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </Field>
            <Field label={t('rehost.fingerprint')}>
              <input
                value={fingerprint}
                disabled={file !== undefined}
                onChange={(e) => setFingerprint(e.target.value)}
              />
            </Field>
            <Field label={t('rehost.requestFile')}>
              <input type="file" onChange={(e) => setFile(e.target.files?.[0])} />
            </Field>
            <ErrorNotice error={move.error} />
            <button type="submit" disabled={move.isPending || (!file && fingerprint.trim() === '')}>
              {t('rehost.submit')}
            </button>
          </form>
        </Modal>
      ) : null}
    </>
  );
};
