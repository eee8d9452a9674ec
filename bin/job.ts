/**
 * `npm run job -- <name>`: runs one scheduled job now on the running local platform (npm start)
 * and prints its summary. Jobs: seat-reaper, seat-reconciliation, expiry-sweep, notifications,
 * activation-cleanup. In AWS: `aws lambda invoke --function-name <job function> out.json`.
 */
import { jobCatalog, jobNames } from '../lambdas/jobs/catalog.ts';
import { defaultStateDir, readRunning } from './local/state.ts';

const name = process.argv[2];
if (!name || !(jobNames as string[]).includes(name)) {
  console.error('Usage: npm run job -- <name>\n');
  for (const job of jobNames) {
    console.error(`  ${job.padEnd(20)} ${jobCatalog[job].description}`);
  }
  process.exit(2);
}
const running = await readRunning(process.env.TESSERA_STATE_DIR ?? defaultStateDir());
if (!running) {
  console.error('Tessera is not running here: start it with `npm start` first.');
  process.exit(1);
}
const response = await fetch(`${running.url}/_local/jobs/${name}`, { method: 'POST' });
const body = await response.text();
if (!response.ok) {
  console.error(`The job failed (${response.status}): ${body}`);
  process.exit(1);
}
console.log(JSON.stringify(JSON.parse(body), null, 2));
