import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocal } from '../bin/local/runtime.ts';
import {
  authenticateInstance,
  finishActivation,
  startActivation,
} from '../lambdas/domain/activations.ts';
import { createCustomer } from '../lambdas/domain/customers.ts';
import { IssueLicenseInput, issueLicense } from '../lambdas/domain/licenses.ts';
import { CreateProductInput, createProduct } from '../lambdas/domain/products.ts';
import { type CheckoutRequest, checkout, heartbeat } from '../lambdas/domain/seats.ts';
import { leaseKeys, poolKeys } from '../lambdas/store/keys.ts';
import { TesseraClient } from '../sdk/src/client.ts';
import { type Call, withMeteredDomain } from './metered.ts';

/**
 * Concurrent seats: what one pool sustains through the local HTTP API, what each seat call costs
 * in DynamoDB capacity, and the ceiling the single pool item puts on a pool in production.
 */
const SECONDS_PER_LEVEL = 5;

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;

const ms = (value: number) => value.toFixed(1).padStart(7);

/** One pool on the local platform, with one activated instance drawing from it. */
export const poolOnPlatform = async (
  url: string,
  admin: string,
  outbox: string,
  seatLimit: number,
) => {
  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const customer = await api('/customers', { name: `Bench ${seatLimit}` });
  const license = await api('/licenses', {
    productCode: 'AGENTS',
    customerId: customer.id,
    registeredEmail: 'it@bench.example',
    companyName: 'Bench',
    seatLimit,
  });
  const before = new Set(await readdir(outbox));
  const instance = new TesseraClient({ baseUrl: url });
  const started = await instance.startActivation({
    key: String(license.key),
    fingerprint: `bench-host-${seatLimit}`,
  });
  // The code as a person would read it: from the e-mail this activation just sent.
  const mail = (await readdir(outbox)).find((f) => f.endsWith('.eml') && !before.has(f));
  if (!mail) throw new Error('no activation e-mail in the outbox');
  const code = /\b(\d{4}-\d{4})\b/.exec(await readFile(join(outbox, mail), 'utf8'))?.[1];
  if (!code) throw new Error(`no code in ${mail}`);
  const done = await instance.completeActivation(started.activationId, code);
  return done.activationToken;
};

interface Run {
  checkouts: number[];
  full: number[];
  releases: number[];
  other: Map<string, number>;
}

/** `clients` loops of checkout → release, each on its own session, for `seconds`. */
const load = async (url: string, token: string, clients: number, seconds: number, tag: string) => {
  const run: Run = { checkouts: [], full: [], releases: [], other: new Map() };
  const seat = async (action: string, body: Record<string, string>) => {
    const started = performance.now();
    const response = await fetch(`${url}/instance/seats/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    const code = response.ok ? 'OK' : String(json.code ?? response.status);
    return { code, json, millis: performance.now() - started };
  };
  const deadline = performance.now() + seconds * 1000;
  const client = async (i: number) => {
    const sessionId = `${tag}-${i}`;
    while (performance.now() < deadline) {
      const out = await seat('checkout', { sessionId, userId: `user-${i}` });
      if (out.code === 'POOL_FULL') {
        run.full.push(out.millis);
        continue;
      }
      if (out.code !== 'OK') {
        run.other.set(out.code, (run.other.get(out.code) ?? 0) + 1);
        continue;
      }
      run.checkouts.push(out.millis);
      const released = await seat('release', { sessionId });
      if (released.json.released === true) run.releases.push(released.millis);
      else run.other.set(`release ${released.code}`, (run.other.get(released.code) ?? 0) + 1);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const elapsed = (performance.now() - started) / 1000;
  for (const list of [run.checkouts, run.full, run.releases]) list.sort((a, b) => a - b);
  return { ...run, elapsed };
};

export const seatThroughput = async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Every POOL_FULL answer logs a "request refused" line; thousands of them would be measured too.
  const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const stateDir = await mkdtemp(join(tmpdir(), 'tessera-bench-seats-'));
  const platform = await startLocal({
    stateDir,
    port: 0,
    inMemory: true,
    quiet: true,
    identity: false,
  });
  try {
    const admin = platform.adminToken as string;
    const product = await fetch(`${platform.url}/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' }),
    });
    if (!product.ok) throw new Error(`product: ${product.status} ${await product.text()}`);
    const roomy = await poolOnPlatform(platform.url, admin, platform.outboxDir, 10_000);
    const tight = await poolOnPlatform(platform.url, admin, platform.outboxDir, 8);

    await load(platform.url, roomy, 8, 2, 'warm'); // JIT the server and DynamoDB Local first
    console.log(
      `HTTP on the local platform, ${SECONDS_PER_LEVEL} s per row; load generator, server and DynamoDB Local share ${availableParallelism()} cores (load average ${loadavg()[0]?.toFixed(1)} before the runs)`,
    );
    console.log(
      'pool limit  clients  checkouts/s  p50 ms  p99 ms  release p50/p99 ms  POOL_FULL/s  full p50/p99 ms  other',
    );
    const rows: [number, string, number][] = [
      [10_000, roomy, 1],
      [10_000, roomy, 8],
      [10_000, roomy, 64],
      [8, tight, 64],
    ];
    for (const [limit, token, clients] of rows) {
      const r = await load(platform.url, token, clients, SECONDS_PER_LEVEL, `c${limit}x${clients}`);
      const answers = r.checkouts.length + r.full.length;
      const fullShare = answers === 0 ? 0 : (100 * r.full.length) / answers;
      const other = [...r.other].map(([code, n]) => `${code}×${n}`).join(' ') || '-';
      console.log(
        [
          String(limit).padStart(10),
          String(clients).padStart(8),
          (r.checkouts.length / r.elapsed).toFixed(0).padStart(12),
          ms(percentile(r.checkouts, 0.5)),
          ms(percentile(r.checkouts, 0.99)),
          `${ms(percentile(r.releases, 0.5))} /${ms(percentile(r.releases, 0.99))}`.padStart(19),
          r.full.length === 0
            ? '-'.padStart(12)
            : `${(r.full.length / r.elapsed).toFixed(0)} (${fullShare.toFixed(0)}%)`.padStart(12),
          r.full.length === 0
            ? '-'.padStart(16)
            : `${ms(percentile(r.full, 0.5))} /${ms(percentile(r.full, 0.99))}`.padStart(16),
          ` ${other}`,
        ].join(' '),
      );
    }
  } finally {
    await platform.stop();
    await rm(stateDir, { recursive: true, force: true });
    if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
  }
};

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** An attribute value's size under DynamoDB's rules (numbers: 1 byte per 2 digits, plus 1). */
const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined)
    return Math.ceil(value.N.replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M !== undefined) return 3 + itemBytes(value.M) + Object.keys(value.M).length;
  return 0;
};

const itemBytes = (item: Record<string, AttributeValue>) =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);

const itemBytesAt = async (client: DynamoDBClient, key: { pk: string; sk: string }) => {
  const out = await client.send(
    new GetItemCommand({
      TableName: 'bench',
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConsistentRead: true,
    }),
  );
  if (!out.Item) throw new Error(`no item at ${key.pk} ${key.sk}`);
  return itemBytes(out.Item);
};

export const seatCapacity = async (): Promise<{ heartbeatWcu: number }> =>
  withMeteredDomain(async ({ raw, calls, stores, admin, deps, lastCode }) => {
    await createProduct(
      stores.products,
      admin,
      CreateProductInput.parse({ code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' }),
    );
    const customer = await createCustomer(stores.customers, admin, { name: 'Bench' });
    const license = await issueLicense(
      {
        licenses: stores.licenses,
        products: stores.products,
        customers: stores.customers,
        randomBytes,
      },
      admin,
      IssueLicenseInput.parse({
        productCode: 'AGENTS',
        customerId: customer.id,
        registeredEmail: 'it@bench.example',
        companyName: 'Bench',
        seatLimit: 1,
      }),
    );
    const { activationId } = await startActivation(deps, {
      key: license.key,
      fingerprint: 'bench-host',
    });
    const token = (await finishActivation(deps, activationId, lastCode())).activationToken;
    const request = (sessionId: string, leaseSeconds = 600): CheckoutRequest => ({
      projectId: customer.defaultProjectId,
      productCode: 'AGENTS',
      aggregation: 'sum',
      leaseSeconds,
      userId: `user-${sessionId}`,
      sessionId,
      activationId,
      licenseId: license.id,
    });
    const seat = (sessionId: string) => ({
      projectId: customer.defaultProjectId,
      productCode: 'AGENTS',
      sessionId,
      activationId,
    });

    const measured: Record<string, Call[]> = {};
    const measure = async (label: string, fn: () => Promise<unknown>) => {
      calls.length = 0;
      await fn().catch((error: unknown) => {
        if ((error as { code?: string }).code !== 'POOL_FULL') throw error;
      });
      measured[label] = [...calls];
      const sum = (key: 'read' | 'table' | 'index') => calls.reduce((s, c) => s + c[key], 0);
      const steps = calls.map((c) =>
        c.rejected ? `${c.command} rejected` : `${c.command} ${c.read || c.table + c.index}`,
      );
      console.log(
        `${label.padEnd(26)} ${sum('read').toFixed(1).padStart(5)} ${sum('table').toFixed(1).padStart(6)} ${sum('index').toFixed(1).padStart(6)}   ${steps.join(', ')}`,
      );
    };
    console.log('call (use case, one call)    RCU  WCU tbl WCU gsi   requests (units each)');
    await measure('instance authentication', async () => {
      // What every /instance/seats/* request reads first: the activation carries its pool.
      await authenticateInstance(deps, token);
    });
    const now = new Date();
    await measure('checkout', async () => {
      // As the seats function does it: pool and product in one read, then the transaction.
      const { pool } = await stores.seats.poolWithProduct(customer.defaultProjectId, 'AGENTS');
      return checkout(stores.seats, request('desk-1'), now, { pool });
    });
    const sizes = {
      pool: await itemBytesAt(raw, poolKeys.pool(customer.defaultProjectId, 'AGENTS')),
      lease: await itemBytesAt(raw, leaseKeys.lease(customer.defaultProjectId, 'AGENTS', 'desk-1')),
    };
    // A minute on, as a real heartbeat comes: the expiry (and whatever is keyed on it) moves.
    const minuteOn = new Date(now.getTime() + 60_000);
    await measure('heartbeat', () =>
      heartbeat(stores.seats, seat('desk-1'), 600, minuteOn, {
        ...license,
        status: license.storedStatus,
      }),
    );
    await measure('checkout, pool full', () => checkout(stores.seats, request('desk-2'), now));
    await measure('release', () => stores.seats.release(seat('desk-1')));
    await checkout(stores.seats, request('old', 60), now);
    const later = new Date(now.getTime() + 120_000);
    await measure('checkout, reclaims expired', () =>
      checkout(stores.seats, request('desk-3'), later),
    );
    console.log(
      'A rejected transaction (the POOL_FULL answer) reports no units on its error, so none are counted.',
    );

    // DynamoDB bills a transactional write 2 WCU per started KB of each item; DynamoDB Local
    // reports one figure for the whole transaction that does not follow that rule (a one-item
    // transaction of a tiny item shows 4), so the pool item's share comes from the items' sizes.
    const poolKB = Math.ceil(sizes.pool / 1024);
    const leaseKB = Math.ceil(sizes.lease / 1024);
    const poolPerWrite = 2 * poolKB;
    const pairOnKey = 2 * (2 * poolKB + 2 * leaseKB);
    console.log(
      `\nitems: pool ${sizes.pool} B, lease ${sizes.lease} B. On DynamoDB a checkout or release transaction writes ${poolPerWrite} WCU on the pool item and ${2 * leaseKB} on the lease; a heartbeat ${leaseKB} WCU on the lease and nothing else (no index key moves).`,
    );
    const indexWrites = (label: string) => {
      const units: Record<string, number> = {};
      for (const c of measured[label] ?? []) {
        for (const [name, n] of Object.entries(c.byIndex)) units[name] = (units[name] ?? 0) + n;
      }
      return Object.entries(units)
        .map(([name, n]) => `${name} ${n}`)
        .join(' + ');
    };
    console.log(
      `index writes as reported: checkout ${indexWrites('checkout') || 'none'}, release ${indexWrites('release') || 'none'} (transactions, DynamoDB Local's figures), heartbeat ${indexWrites('heartbeat') || 'none'}.`,
    );
    console.log(
      `ceiling: one pool item takes every checkout and release, so a single pool tops out near 1000 WCU/s / ${poolPerWrite} WCU ≈ ${(1000 / poolPerWrite).toFixed(0)} checkouts+releases/s (≈ ${(500 / poolPerWrite).toFixed(0)} seats taken and given back per second); heartbeats write only their lease item (its own key) and never contend on the pool item.`,
    );
    console.log(
      `partition: leases live under the pool's partition key; until DynamoDB splits that key's sort range for heat, pool and lease writes share its 1000 WCU/s: ${pairOnKey} WCU per checkout+release pair ≈ ${(1000 / pairOnKey).toFixed(0)} pairs/s, each heartbeat/s taking ${leaseKB} WCU of it.`,
    );
    const heartbeatIndex = (measured.heartbeat ?? []).reduce((sum, c) => sum + c.index, 0);
    return { heartbeatWcu: leaseKB + heartbeatIndex };
  });
