/**
 * Zod as the platform uses it: every module under `lambdas/` imports zod from here, never from
 * 'zod' (the linter refuses it), so this setting is in force before any schema is built.
 *
 * `jitless`: zod would otherwise compile a parser with `new Function` for each object schema the
 * first time it parses one. A function parses a handful of bodies between cold starts, so that
 * compiling is paid at almost every first request and at cold start (the config), and never
 * earns itself back; interpreted parsing answers the same (docs/adr/0010-bundle-budget.md).
 */
import * as z from 'zod';

z.config({ jitless: true });

export * from 'zod';
