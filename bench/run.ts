/**
 * `npm run bench`: runs every benchmark and prints its figures. Benchmarks measure; tests assert
 * behaviour. Pass names to run a subset: `npm run bench -- bundles`.
 */
import { activationCapacity } from './activation-capacity.ts';
import { bundles } from './bundles.ts';
import { hotPaths } from './hot-paths.ts';
import { licenseFiles } from './license-files.ts';
import { licenseSearch } from './license-search.ts';
import { seatCapacity, seatThroughput } from './seats.ts';

const benchmarks: Record<string, () => Promise<unknown>> = {
  hotPaths,
  activationCapacity,
  seatThroughput,
  licenseSearch,
  // Part of hotPaths; by name for a quicker look at one of them.
  bundles,
  licenseFiles,
  seatCapacity,
};
const partOfHotPaths = new Set(['bundles', 'licenseFiles', 'seatCapacity']);

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benchmarks)) {
  if (wanted.length > 0 ? !wanted.includes(name) : partOfHotPaths.has(name)) continue;
  console.log(`\n## ${name}`);
  await run();
}
