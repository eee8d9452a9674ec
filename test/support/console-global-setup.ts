import { ensureConsoleBuilt } from '../../bin/local/console-files.ts';

/** One console build before the files that serve or deploy it, instead of one per file. */
export default async function setup() {
  await ensureConsoleBuilt();
}
