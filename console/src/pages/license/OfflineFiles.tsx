import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';
import { fileNameOf, saveAs } from './save-file.ts';

/** One upload: a file the device made, sent as its text; the answer is said in words. */
const UploadForm = ({
  label,
  submit,
  send,
  done,
}: {
  label: string;
  submit: string;
  send: (text: string) => Promise<string>;
  done: (id: string) => string;
}) => {
  const queries = useQueryClient();
  const [file, setFile] = useState<File | undefined>();
  const upload = useMutation({
    mutationFn: async (chosen: File) => send((await chosen.text()).trim()),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['licenses'] }),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate(file);
  };
  return (
    <form onSubmit={onSubmit} className="stack">
      <Field label={label}>
        <input
          type="file"
          accept=".jwt,.txt,application/jwt,text/plain"
          onChange={(e) => {
            upload.reset();
            setFile(e.target.files?.[0]);
          }}
        />
      </Field>
      <button type="submit" disabled={!file || upload.isPending}>
        {submit}
      </button>
      <ErrorNotice error={upload.error} />
      {upload.data ? (
        <p role="status" className="notice">
          {done(upload.data)}
        </p>
      ) : null}
    </form>
  );
};

/**
 * Sites without internet: a person uploads the activation request a device wrote and carries the
 * license file back, or uploads the proof a device signed when it gave its license back.
 */
export const OfflineFiles = ({ licenseId }: { licenseId: string }) => {
  const { t } = useI18n();
  return (
    <section aria-labelledby="offline-heading">
      <h2 id="offline-heading">{t('offline.heading')}</h2>
      <p className="muted">{t('offline.intro')}</p>
      <div className="columns">
        <UploadForm
          label={t('offline.requestFile')}
          submit={t('offline.activate')}
          send={async (request) => {
            const answer = await call(
              api().POST('/licenses/{licenseId}/offline-activations', {
                params: { path: { licenseId } },
                body: { request },
              }),
            );
            saveAs(fileNameOf(answer.activationId), answer.licenseFile);
            return answer.activationId;
          }}
          done={(id) => t('offline.activated', { id })}
        />
        <UploadForm
          label={t('offline.proofFile')}
          submit={t('offline.return')}
          send={async (proof) => {
            const answer = await call(
              api().POST('/licenses/{licenseId}/offline-returns', {
                params: { path: { licenseId } },
                body: { proof },
              }),
            );
            return answer.activationId;
          }}
          done={(id) => t('offline.returned', { id })}
        />
      </div>
    </section>
  );
};
