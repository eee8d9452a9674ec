import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { jobEntry, jobNames } from '../lambdas/jobs/catalog.ts';
import { groups } from '../lambdas/routes.ts';
import { bundlingOptions } from '../lib/constructs/tessera-function.ts';
import { median } from './stats.ts';

/**
 * Per-function bundle size (minified, as the Lambda functions are built) and the time a fresh Node
 * process takes to import each bundle: the module-load part of a cold start. The measuring process
 * first puts itself where Lambda's Node runtime stands when it imports a handler, and no further:
 * - the runtime is itself an ES module, so its module loader is already running (an empty module
 *   warms it here);
 * - its Runtime API client has already loaded `node:http` and `node:net` and made its keep-alive
 *   `http.Agent`, before the handler is imported. Everything else a function needs (TLS, crypto,
 *   streams, its own code) is still counted.
 * The imports run in rounds across all functions, not one function's ten in a row, so a spell of
 * slow machine weighs on every function alike (this machine's speed shifts by a third at times).
 */
const IMPORT_RUNS = 10;
/** Each function's budget, minified (docs/adr/0010-bundle-budget.md). */
export const BUNDLE_BUDGET_KIB = 300;

const LAMBDA_RUNTIME_LOADED = [
  "await import('data:text/javascript,export default 1');",
  "const http = await import('node:http'); await import('node:net');",
  'new http.Agent({ keepAlive: true, maxSockets: 1 });',
].join('');

const importMillis = (file: string): number => {
  const script = `${LAMBDA_RUNTIME_LOADED}const t=process.hrtime.bigint();await import(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, POWERTOOLS_TRACE_ENABLED: 'false', AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').pop());
};

export interface BundleFigures {
  largest: { name: string; kib: number };
  slowestImport: { name: string; ms: number };
}

/** A function's bundle exactly as CDK builds it (lib/constructs/tessera-function.ts). */
export const buildFunction = (entry: string, output: { outfile: string } | { write: false }) =>
  build({
    entryPoints: [entry],
    ...output,
    bundle: true,
    metafile: true,
    minify: bundlingOptions.minify,
    platform: 'node',
    target: bundlingOptions.target,
    format: 'esm',
    mainFields: bundlingOptions.mainFields,
    banner: { js: bundlingOptions.banner },
    logLevel: 'error',
  });

/** Every Lambda function: one per route group, one per job, and the mail intake. */
export const lambdaFunctions = (): { name: string; entry: string }[] => [
  ...Object.keys(groups).map((group) => ({ name: group, entry: `lambdas/http/${group}.ts` })),
  ...jobNames.map((job) => ({ name: `job ${job}`, entry: jobEntry(job) })),
  { name: 'mail-intake', entry: 'lambdas/mail/handler.ts' },
];

export const bundles = async (): Promise<BundleFigures> => {
  const figures: BundleFigures = {
    largest: { name: '', kib: 0 },
    slowestImport: { name: '', ms: 0 },
  };
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bundles-'));
  try {
    console.log(
      `function                 bundle (KiB)  import p50 (ms, fresh node, n=${IMPORT_RUNS})`,
    );
    const over: string[] = [];
    const functions = lambdaFunctions();
    const built: { name: string; outfile: string; kib: number }[] = [];
    for (const { name, entry } of functions) {
      const outfile = join(dir, `${name.replace(' ', '-')}.mjs`);
      await buildFunction(entry, { outfile });
      built.push({ name, outfile, kib: statSync(outfile).size / 1024 });
    }
    const times = new Map<string, number[]>(built.map((b) => [b.name, []]));
    for (let round = 0; round < IMPORT_RUNS; round++) {
      for (const { name, outfile } of built) times.get(name)?.push(importMillis(outfile));
    }
    for (const { name, kib } of built) {
      const ms = median(times.get(name) ?? []);
      if (kib > figures.largest.kib) figures.largest = { name, kib };
      if (ms > figures.slowestImport.ms) figures.slowestImport = { name, ms };
      const flag = kib > BUNDLE_BUDGET_KIB ? '  over budget' : '';
      if (flag) over.push(name);
      console.log(
        `${name.padEnd(24)} ${kib.toFixed(0).padStart(12)}  ${ms.toFixed(1).padStart(10)}${flag}`,
      );
    }
    console.log(
      over.length === 0
        ? `every function within ${BUNDLE_BUDGET_KIB} KiB`
        : `${over.length} of ${functions.length} functions over the ${BUNDLE_BUDGET_KIB} KiB budget`,
    );
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
