import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The code in the newest activation e-mail of a local outbox, as a person would read it. */
export const codeFromOutbox = async (outboxDir: string): Promise<string> => {
  const files = (await readdir(outboxDir)).filter((f) => f.endsWith('.eml')).sort();
  const newest = files.at(-1);
  if (!newest) throw new Error('outbox is empty');
  const eml = await readFile(join(outboxDir, newest), 'utf8');
  const code = /\b(\d{4}-\d{4})\b/.exec(eml)?.[1];
  if (!code) throw new Error(`no code in ${newest}`);
  return code;
};
