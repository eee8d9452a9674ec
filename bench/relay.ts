import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../bin/local/dynamodb.ts';
import { SiteRelay } from '../relay/src/relay.ts';
import { poster, seatPlatform } from './seat-platform.ts';

/**
 * Seat checkouts through the on-site relay against the same checkouts through the local cloud
 * path, on this machine: checkout+release pairs per second (8 clients) and the checkout's p50 and
 * p99. The relay answers from its allotment with one fsync'd journal line per change; the cloud
 * path is the local runtime's functions and a DynamoDB transaction.
 */
const SECONDS = 5;
const CLIENTS = 8;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;

const measure = async (base: string, token: string, label: string) => {
  const post = poster(base);
  const latencies: number[] = [];
  let pairs = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const sessionId = `${label}-${client}-${n}`;
        const t0 = performance.now();
        const out = await post('/instance/seats/checkout', token, { sessionId, userId: sessionId });
        latencies.push(performance.now() - t0);
        if (out.status !== 200) throw new Error(`${label} checkout ${out.status}`);
        await post('/instance/seats/release', token, { sessionId });
        pairs++;
      }
    }),
  );
  const sorted = latencies.sort((a, b) => a - b);
  return {
    pairsPerSecond: pairs / ((performance.now() - started) / 1000),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
};

export const relayThroughput = async () => {
  const dynamo = await startDynamoDbLocal({});
  const seats = await seatPlatform(dynamo.endpoint, 1000);
  const stateDir = await mkdtemp(join(tmpdir(), 'tessera-bench-relay-'));
  let relay: SiteRelay | undefined;
  try {
    const { platform, admin, post } = seats;
    const customers = await fetch(`${platform.url}/customers?limit=5`, {
      headers: { authorization: `Bearer ${admin}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; defaultProjectId: string }[] }>);
    const customer = customers.items[0];
    if (!customer) throw new Error('no customer');
    const made = await post(
      `/customers/${customer.id}/projects/${customer.defaultProjectId}/relays`,
      admin,
      { name: 'Bench relay' },
    );
    relay = new SiteRelay({
      cloudUrl: platform.url,
      credential: String(made.json.credential),
      seats: { AGENTS: 100 },
      stateDir,
      port: 0,
    });
    const relayUrl = await relay.start();
    await relay.renew('AGENTS');
    const token = seats.token;
    await measure(platform.url, token, 'warm-cloud');
    await measure(relayUrl, token, 'warm-relay');
    const cloud = await measure(platform.url, token, 'cloud');
    const local = await measure(relayUrl, token, 'relay');
    console.log(
      `path     pairs/s   checkout p50   checkout p99   (${CLIENTS} clients, ${SECONDS} s)`,
    );
    for (const [name, r] of [
      ['cloud', cloud],
      ['relay', local],
    ] as const) {
      console.log(
        `${name.padEnd(8)} ${r.pairsPerSecond.toFixed(0).padStart(7)}   ${r.p50.toFixed(1).padStart(9)} ms   ${r.p99.toFixed(1).padStart(9)} ms`,
      );
    }
    console.log(
      `relay ÷ cloud pairs/s: ${(local.pairsPerSecond / cloud.pairsPerSecond).toFixed(1)}×`,
    );
  } finally {
    await relay?.stop();
    await seats.stop();
    await dynamo.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
};
