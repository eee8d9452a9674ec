import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { consoleHeaders } from '../../lib/console-policy.ts';
import { repoRoot } from './state.ts';

/**
 * The console as `npm start` serves it: the static build of `console/` at `/`, on the API's
 * origin, with the same security headers CloudFront adds on AWS. Its pages live in the URL's
 * hash, so only these paths are the console's; every other path stays the API's.
 */
export const consoleSource = join(repoRoot, 'console');
export const consoleDist = join(consoleSource, 'dist');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const consolePath = (path: string): string | undefined => {
  if (path === '/' || path === '/index.html') return 'index.html';
  if (path === '/favicon.svg') return 'favicon.svg';
  if (/^\/assets\/[A-Za-z0-9._-]+$/.test(path)) return path.slice(1);
  return undefined;
};

/**
 * Answers a GET or HEAD for one of the console's files; false when the path is not the
 * console's (the API answers it). `config.json` tells the page where the API is: here, the root.
 */
export const serveConsole = async (
  dir: string,
  method: string,
  path: string,
  res: ServerResponse,
): Promise<boolean> => {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/config.json') {
    res.writeHead(200, {
      ...consoleHeaders,
      'content-type': 'application/json',
      'cache-control': 'no-cache',
    });
    res.end(method === 'HEAD' ? undefined : JSON.stringify({ apiBase: '' }));
    return true;
  }
  const relative = consolePath(path);
  if (!relative) return false;
  const file = normalize(join(dir, relative));
  if (!file.startsWith(dir + sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    ...consoleHeaders,
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    'content-length': String(info.size),
    // Assets carry their content hash in the name; the page itself is checked every time.
    'cache-control': relative.startsWith('assets/')
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  });
  if (method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).on('end', resolve).pipe(res);
  });
  return true;
};

const newest = async (path: string): Promise<number> => {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    if (entry === 'dist' || entry.startsWith('.dist-')) continue;
    latest = Math.max(latest, await newest(join(path, entry)));
  }
  return latest;
};

/**
 * Builds the console when its build is missing or older than its sources: a fresh clone's first
 * `npm start` (about a second), never a normal restart. Built beside the old build and swapped
 * in, so a concurrent reader never sees half a build.
 */
export const ensureConsoleBuilt = async (): Promise<{ built: boolean; dir: string }> => {
  const index = await stat(join(consoleDist, 'index.html')).catch(() => undefined);
  if (index && index.mtimeMs >= (await newest(consoleSource))) {
    return { built: false, dir: consoleDist };
  }
  const { build } = await import('vite');
  const staging = join(consoleSource, `.dist-${process.pid}`);
  await mkdir(staging, { recursive: true });
  // Vite and the React plugin take NODE_ENV from the environment before the mode: under vitest
  // (NODE_ENV=test) they would build React's development runtime, whose StrictMode effects and
  // JSX differ from what ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(consoleSource, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    await rm(consoleDist, { recursive: true, force: true });
    await rename(staging, consoleDist).catch(async (error: NodeJS.ErrnoException) => {
      // Another process swapped its identical build in first.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    await rm(staging, { recursive: true, force: true });
  }
  return { built: true, dir: consoleDist };
};
