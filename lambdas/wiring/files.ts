import { s3Api } from '../adapters/aws/services.ts';
import { folderFiles, s3Files } from '../adapters/files.ts';
import { config } from '../config.ts';
import type { FileStore } from '../domain/attachments.ts';

let cached: FileStore | undefined;

/** The stage's file store: its bucket on AWS, a folder locally. Built once per cold start. */
export const files = (): FileStore => {
  const cfg = config();
  cached ??= cfg.FILES_BUCKET
    ? s3Files(s3Api({ region: cfg.AWS_REGION, bucket: cfg.FILES_BUCKET }))
    : folderFiles(cfg.FILES_DIR);
  return cached;
};
