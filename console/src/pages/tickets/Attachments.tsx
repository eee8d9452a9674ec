import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { Field } from '../../ui/Field.tsx';

/** The API's own limit, shown before sending; the API refuses anything over it (413). */
const MAX_BYTES = 4 * 1024 * 1024;
const MAX_FILES = 5;

const base64Of = async (file: File): Promise<string> => {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
};

/** Files as the API takes them: base64 in the JSON body. */
export const uploads = (files: readonly File[]) =>
  Promise.all(
    files.map(async (f) => ({
      filename: f.name,
      contentType: /^[\w.+-]+\/[\w.+-]+$/.test(f.type) ? f.type : 'application/octet-stream',
      content: await base64Of(f),
    })),
  );

export const FilePicker = ({
  files,
  onChange,
}: {
  files: File[];
  onChange: (files: File[]) => void;
}) => {
  const { t } = useI18n();
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const over = total > MAX_BYTES || files.length > MAX_FILES;
  return (
    <div>
      <Field label={t('tickets.attach')}>
        <input
          type="file"
          multiple
          onChange={(e) => onChange(Array.from(e.target.files ?? []))}
          aria-describedby="attach-limit"
        />
      </Field>
      <p id="attach-limit" className={over ? 'notice error' : 'muted'}>
        {t('tickets.attachLimit', { files: MAX_FILES, mib: MAX_BYTES / 1024 / 1024 })}
      </p>
    </div>
  );
};

/** Downloads through the API (the caller's session), then hands the browser the file. */
export const AttachmentLink = ({
  ticketId,
  attachment,
}: {
  ticketId: string;
  attachment: { id: string; filename: string; size: number };
}) => {
  const { t } = useI18n();
  const download = useMutation({
    mutationFn: () =>
      call(
        api().GET('/tickets/{ticketId}/attachments/{attachmentId}', {
          params: { path: { ticketId, attachmentId: attachment.id } },
        }),
      ),
    onSuccess: (file) => {
      const bytes = Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: file.contentType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  return (
    <>
      <button type="button" className="link" onClick={() => download.mutate()}>
        {t('tickets.download', {
          name: attachment.filename,
          kib: Math.max(1, Math.round(attachment.size / 1024)),
        })}
      </button>
      <ErrorNotice error={download.error} />
    </>
  );
};
