import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../bin/local/runtime.ts';
import { poolOnPlatform } from './seats.ts';

type Post = (
  path: string,
  token: string,
  body: unknown,
) => Promise<{ status: number; json: Record<string, unknown> }>;

export const poster =
  (url: string): Post =>
  async (path, token, body) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      json: (await response.json().catch(() => ({}))) as Record<string, unknown>,
    };
  };

/**
 * The local platform on a given DynamoDB, quiet and without the Cognito emulator (so nothing
 * else competes for the cores), with one instance activated on a pool of `seatLimit`.
 */
export const seatPlatform = async (dynamoEndpoint: string, seatLimit: number) => {
  const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const stateDir = await mkdtemp(join(tmpdir(), 'tessera-bench-seats-'));
  const platform = await startLocal({
    stateDir,
    port: 0,
    dynamoEndpoint,
    quiet: true,
    identity: false,
  });
  const admin = platform.adminToken as string;
  const post = poster(platform.url);
  await post('/products', admin, { code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' });
  const token = await poolOnPlatform(platform.url, admin, platform.outboxDir, seatLimit);
  /** One checkout and its release, as an instance makes them. */
  const seatPair = async (sessionId: string) => {
    const out = await post('/instance/seats/checkout', token, { sessionId, userId: sessionId });
    if (out.status !== 200) throw new Error(`checkout ${out.status} ${JSON.stringify(out.json)}`);
    await post('/instance/seats/release', token, { sessionId });
  };
  return {
    platform,
    admin,
    post,
    /** The activated instance's token. */
    token,
    seatPair,
    stop: async () => {
      await platform.stop();
      await rm(stateDir, { recursive: true, force: true });
      if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
      else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    },
  };
};
