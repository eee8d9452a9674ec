import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../bin/local/dynamodb.ts';
import { leaseKeys, poolKeys } from '../lambdas/store/keys.ts';
import { BUNDLE_BUDGET_KIB, bundles } from './bundles.ts';
import { licenseFiles } from './license-files.ts';
import { seatPlatform } from './seat-platform.ts';
import { seatRoundTripsApart } from './seat-round-trips.ts';
import { poolOnPlatform, seatCapacity } from './seats.ts';
import { median } from './stats.ts';

/**
 * The lean-hot-paths figures side by side, measured in one run: bundle size and import time,
 * seat pairs over the local HTTP runtime against raw transactions of the same two items on the
 * same DynamoDB Local, DynamoDB requests per pair (counted at the wire), heartbeat cost, SDK
 * verification against a bare crypto.verify, and a 500-checkout burst through the local runtime.
 */
const ROUND_SECONDS = 3;
const ROUNDS = 5;
const CLIENTS = 8;

/** Pairs per second of `pair` run by CLIENTS loops for ROUND_SECONDS. */
const pairsPerSecond = async (pair: (client: number, n: number) => Promise<void>) => {
  let pairs = 0;
  const deadline = performance.now() + ROUND_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        await pair(client, n);
        pairs++;
      }
    }),
  );
  return pairs / ((performance.now() - started) / 1000);
};

const httpSeats = async () => {
  const dynamo = await startDynamoDbLocal({});
  const seats = await seatPlatform(dynamo.endpoint, 100_000);
  const { platform, admin, post, seatPair } = seats;
  try {
    // The same two items written by bare transactions to the same table of the same DynamoDB Local.
    const raw = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const rawPool = poolKeys.pool('prj_bench_raw', 'AGENTS');
    await raw.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: platform.tableName, Item: { ...rawPool, used: 0 } } }],
      }),
    );
    const rawPair = async (client: number, n: number) => {
      const lease = leaseKeys.lease('prj_bench_raw', 'AGENTS', `raw-${client}-${n}`);
      const counter = (delta: number) => ({
        Update: {
          TableName: platform.tableName,
          Key: rawPool,
          UpdateExpression: 'SET #used = #used + :d',
          ExpressionAttributeNames: { '#used': 'used' },
          ExpressionAttributeValues: { ':d': delta },
        },
      });
      await raw.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: platform.tableName,
                Item: { ...lease, userId: 'u', expiresAt: new Date().toISOString() },
              },
            },
            counter(1),
          ],
        }),
      );
      await raw.send(
        new TransactWriteCommand({
          TransactItems: [{ Delete: { TableName: platform.tableName, Key: lease } }, counter(-1)],
        }),
      );
    };
    await pairsPerSecond(async (c, n) => seatPair(`warm-${c}-${n}`)); // warm both paths
    await pairsPerSecond(rawPair);
    const ratios: number[] = [];
    const httpRates: number[] = [];
    const rawRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const http = () => pairsPerSecond((c, n) => seatPair(`r${round}-${c}-${n}`));
      const bare = () => pairsPerSecond(rawPair);
      const [a, b] = round % 2 === 0 ? [await http(), await bare()] : [await bare(), await http()];
      const [h, r] = round % 2 === 0 ? [a, b] : [b, a];
      httpRates.push(h);
      rawRates.push(r);
      ratios.push(h / r);
    }

    // 500 simultaneous checkouts on a pool of 7, with admin reads during the burst.
    const tight = await poolOnPlatform(platform.url, admin, platform.outboxDir, 7);
    const statuses = new Map<number, number>();
    const burst = Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        const out = await post('/instance/seats/checkout', tight, {
          sessionId: `burst-${i}`,
          userId: `u${i}`,
        });
        statuses.set(out.status, (statuses.get(out.status) ?? 0) + 1);
      }),
    );
    const adminReads = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const started = performance.now();
        const response = await fetch(`${platform.url}/licenses?limit=5`, {
          headers: { authorization: `Bearer ${admin}` },
        });
        return { status: response.status, ms: performance.now() - started };
      }),
    );
    await burst;
    return {
      pairsRatio: median(ratios),
      httpPairs: median(httpRates),
      rawPairs: median(rawRates),
      statuses: [...statuses].sort(([a], [b]) => a - b),
      adminReads,
    };
  } finally {
    await seats.stop();
    await dynamo.stop();
  }
};

export const hotPaths = async () => {
  console.log('\n### bundles');
  const bundle = await bundles();
  console.log('\n### license files');
  const verify = await licenseFiles();
  console.log('\n### seat capacity');
  const capacity = await seatCapacity();
  console.log('\n### seats over the local HTTP runtime');
  const trips = seatRoundTripsApart();
  console.log(`requests per checkout+release pair: ${trips.perOperation}`);
  const seats = await httpSeats();
  console.log(
    `pairs/s over HTTP ${seats.httpPairs.toFixed(0)}, raw TransactWriteItems pairs/s ${seats.rawPairs.toFixed(0)} (${CLIENTS} clients, median of ${ROUNDS} alternating ${ROUND_SECONDS}-s rounds)`,
  );
  const granted = seats.statuses.find(([s]) => s === 200)?.[1] ?? 0;
  const onlyExpected = seats.statuses.every(([s]) => [200, 409, 429].includes(s));

  const rows: [string, string, string, boolean][] = [
    [
      'Largest Lambda bundle (minified)',
      `${bundle.largest.kib.toFixed(0)} KiB (${bundle.largest.name})`,
      `≤ ${BUNDLE_BUDGET_KIB} KiB, every function`,
      bundle.largest.kib <= BUNDLE_BUDGET_KIB,
    ],
    [
      'Handler import, fresh Node process (median of 10)',
      `${bundle.slowestImport.ms.toFixed(0)} ms (${bundle.slowestImport.name}, slowest)`,
      '≤ 100 ms, every function',
      bundle.slowestImport.ms <= 100,
    ],
    [
      'Seat pairs/s over local HTTP ÷ raw TransactWriteItems',
      seats.pairsRatio.toFixed(2),
      '≥ 0.6',
      seats.pairsRatio >= 0.6,
    ],
    [
      'DynamoDB requests per checkout+release pair, auth included',
      trips.requestsPerPair.toFixed(1),
      '≤ 5',
      trips.requestsPerPair <= 5,
    ],
    [
      'Heartbeat write cost, index upkeep included',
      `${capacity.heartbeatWcu} WCU`,
      '1 WCU',
      capacity.heartbeatWcu <= 1,
    ],
    [
      'SDK verifyLicenseFile ÷ bare crypto.verify (distinct, paired CPU)',
      `${verify.verifyRatio.toFixed(2)} (signature + JSON.parse alone ${verify.floorRatio.toFixed(2)}); same file again ${verify.memoSpeedup.toFixed(1)}× bare`,
      '≥ 0.93; memo far faster',
      verify.verifyRatio >= 0.93,
    ],
    [
      '500 simultaneous checkouts, pool of 7, local runtime',
      `${seats.statuses.map(([s, n]) => `${n} × ${s}`).join(', ')}; admin GETs ${seats.adminReads.map((r) => `${r.status} in ${r.ms.toFixed(0)} ms`).join(', ')}`,
      'only 200/409/429, exactly 7 granted, admin GETs answered',
      onlyExpected && granted === 7 && seats.adminReads.every((r) => r.status === 200),
    ],
  ];
  console.log('\n### lean hot paths, side by side');
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'figure'.padEnd(width)}  measured  |  target  |  met`);
  for (const [figure, measured, target, met] of rows) {
    console.log(`${figure.padEnd(width)}  ${measured}  |  ${target}  |  ${met ? 'yes' : 'NO'}`);
  }
};
