import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { AdmissionOptions } from '../../bin/local/admission.ts';
import { type LocalOptions, type LocalPlatform, startLocal } from '../../bin/local/runtime.ts';
import { createTestTable } from './table.ts';

/**
 * The whole local platform for one e2e file: its own table on the shared DynamoDB Local and its
 * own state folder, started before the file's tests and stopped after them.
 */
export const useLocalPlatform = (
  options: {
    corsOrigins?: readonly string[];
    admission?: AdmissionOptions;
    /** Start the Cognito emulator too (people sign in); off unless a file needs it. */
    identity?: boolean;
    /** Serve the console at `/` (the browser tests). */
    console?: boolean;
    /** Federated sign-in through a stand-in hosted domain, started before the platform. */
    federation?: () => LocalOptions['federation'];
  } = {},
) => {
  const holder: {
    platform?: LocalPlatform;
    stateDir?: string;
    table?: Awaited<ReturnType<typeof createTestTable>>;
  } = {};
  beforeAll(async () => {
    const table = await createTestTable();
    holder.table = table;
    holder.stateDir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
    holder.platform = await startLocal({
      stateDir: holder.stateDir,
      port: 0,
      dynamoEndpoint: table.endpoint,
      tableName: table.tableName,
      quiet: true,
      identity: options.identity ?? false,
      console: options.console ?? false,
      ...(options.federation ? { federation: options.federation() } : {}),
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
      ...(options.admission ? { admission: options.admission } : {}),
    });
  });
  afterAll(async () => {
    await holder.platform?.stop();
    if (holder.stateDir) await rm(holder.stateDir, { recursive: true, force: true });
  });
  return () => {
    if (!holder.platform || !holder.table) throw new Error('the platform is not started yet');
    return { ...holder.platform, table: holder.table };
  };
};
