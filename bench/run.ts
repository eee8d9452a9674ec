/**
 * `npm run bench`: runs every benchmark and prints its figures. Benchmarks measure; tests assert
 * behaviour. Pass names to run a subset: `npm run bench -- bundles`.
 *
 * Several benchmarks run one after another, each in a process of its own: a local platform's
 * handlers read their configuration once per process (bin/local/runtime.ts), and one benchmark's
 * warm JIT and heap should not flatter or burden the next.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { activationCapacity } from './activation-capacity.ts';
import { bundles } from './bundles.ts';
import { hotPaths } from './hot-paths.ts';
import { licenseFiles } from './license-files.ts';
import { licenseSearch } from './license-search.ts';
import { relayThroughput } from './relay.ts';
import { seatCapacity, seatThroughput } from './seats.ts';

const benchmarks: Record<string, () => Promise<unknown>> = {
  hotPaths,
  activationCapacity,
  seatThroughput,
  licenseSearch,
  relayThroughput,
  // Part of hotPaths; by name for a quicker look at one of them.
  bundles,
  licenseFiles,
  seatCapacity,
};
const partOfHotPaths = new Set(['bundles', 'licenseFiles', 'seatCapacity']);

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(
    `No benchmark ${unknown.join(', ')}; there are ${Object.keys(benchmarks).join(', ')}`,
  );
  process.exit(2);
}
const selected = Object.keys(benchmarks).filter((name) =>
  wanted.length > 0 ? wanted.includes(name) : !partOfHotPaths.has(name),
);

if (selected.length === 1) {
  const name = selected[0] as string;
  console.log(`\n## ${name}`);
  await benchmarks[name]?.();
} else {
  let failed = 0;
  for (const name of selected) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), name],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) failed++;
  }
  if (failed > 0) process.exit(1);
}
