import { DomainError } from './errors.ts';
import * as z from './zod.ts';

/**
 * Files on a ticket's messages. The bytes live in the file store (S3 on AWS, `.tessera/files`
 * locally) under `attachments/<id>`; the message holds what describes them. Uploads and downloads
 * travel as base64 inside JSON, so one limit keeps a request and an answer under Lambda's 6 MB
 * payload (ADR 0020): 4 MiB of files per message, at most 5 files.
 */
export const MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  /** Bytes. */
  size: number;
}

/** A file to keep: what a caller uploaded or an e-mail carried, decoded. */
export interface NewFile {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface FileStore {
  put(key: string, content: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}

export const attachmentKey = (id: string) => `attachments/${id}`;

/** A file name as shown and offered for download: one line, no path, not empty. */
export const cleanFilename = (name: string): string => {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069"]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return clean === '' || clean === '.' || clean === '..' ? 'attachment' : clean;
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const AttachmentUpload = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    filename: z.string().trim().min(1).max(255),
    contentType: z
      .string()
      .trim()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'A media type such as application/pdf')
      .max(100),
    content: z
      .string()
      .max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4)
      .regex(BASE64, 'Base64 (standard alphabet, padded)')
      .describe('The file, base64'),
  }),
);
export type AttachmentUpload = z.infer<typeof AttachmentUpload>;

export const AttachmentUploads = /* @__PURE__ */ z.lazy(() =>
  z
    .array(AttachmentUpload)
    .max(MAX_ATTACHMENTS)
    .optional()
    .describe(`Files, ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB in all`),
);

export const AttachmentView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
  }),
);

export const AttachmentContentView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    content: z.string().describe('The file, base64'),
  }),
);

/** Uploads decoded, or 413 when together they are over the limit. */
export const decodeUploads = (uploads: readonly AttachmentUpload[] | undefined): NewFile[] => {
  const files = (uploads ?? []).map((u) => ({
    filename: u.filename,
    contentType: u.contentType,
    content: new Uint8Array(Buffer.from(u.content, 'base64')),
  }));
  const total = files.reduce((sum, f) => sum + f.content.byteLength, 0);
  if (total > MAX_ATTACHMENT_BYTES) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `Attachments may hold ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB in all; these hold ${(total / 1024 / 1024).toFixed(1)} MiB.`,
    );
  }
  return files;
};

/**
 * The files of an e-mail that fit, in order, and a line for each that did not: a mail's files
 * are never dropped silently (the raw mail, with all of them, stays with the operator).
 */
export const fitMailFiles = (files: readonly NewFile[]): { kept: NewFile[]; notes: string[] } => {
  const kept: NewFile[] = [];
  const notes: string[] = [];
  let total = 0;
  for (const file of files) {
    const size = file.content.byteLength;
    if (kept.length < MAX_ATTACHMENTS && total + size <= MAX_ATTACHMENT_BYTES) {
      kept.push(file);
      total += size;
    } else {
      notes.push(
        `[Not attached: ${cleanFilename(file.filename)} (${(size / 1024 / 1024).toFixed(1)} MiB) is over the limit of ${MAX_ATTACHMENTS} files and ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB per message.]`,
      );
    }
  }
  return { kept, notes };
};

/** Puts the files in the store before the message that names them is written. */
export const storeFiles = async (
  files: FileStore,
  nextId: () => string,
  newFiles: readonly NewFile[],
): Promise<Attachment[]> =>
  Promise.all(
    newFiles.map(async (f) => {
      const id = nextId();
      await files.put(attachmentKey(id), f.content, f.contentType);
      return {
        id,
        filename: cleanFilename(f.filename),
        contentType: f.contentType,
        size: f.content.byteLength,
      };
    }),
  );
