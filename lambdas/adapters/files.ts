import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { FileStore } from '../domain/attachments.ts';
import type { S3Api } from './aws/services.ts';

/*
 * Where files live: the raw e-mails taken in and ticket attachments. An S3 bucket on AWS, a
 * folder under `.tessera/` locally; keys are the same in both (`attachments/att_…`).
 */

export const s3Files = (s3: S3Api): FileStore => ({
  put: async (key, content, contentType) => {
    await s3.putObject(key, content, contentType);
  },
  get: async (key) => {
    try {
      return await s3.getObject(key);
    } catch (error) {
      if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) {
        return undefined;
      }
      throw error;
    }
  },
});

/** Keys are made by Tessera, but a key is never allowed to name a path outside the folder. */
const inside = (root: string, key: string) => {
  const path = resolve(root, key);
  if (!path.startsWith(resolve(root) + sep)) throw new Error('A file key left the files folder');
  return path;
};

export const folderFiles = (root: string): FileStore => ({
  put: async (key, content) => {
    const path = inside(root, key);
    await mkdir(dirname(path), { recursive: true });
    // Written whole or not at all: a reader never sees half a file.
    const partial = `${path}.partial`;
    await writeFile(partial, content);
    await rename(partial, path);
  },
  get: async (key) => {
    try {
      return await readFile(inside(root, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
});
