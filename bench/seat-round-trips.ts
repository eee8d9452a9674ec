import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../bin/local/dynamodb.ts';
import { startCountingProxy } from '../test/support/counting-proxy.ts';
import { seatPlatform } from './seat-platform.ts';

/**
 * DynamoDB requests per seat checkout+release pair, authentication included, counted at the wire
 * by a proxy between the functions and DynamoDB Local. It runs in a process of its own: the
 * functions read their DynamoDB endpoint once per process, and the throughput rounds of
 * hot-paths.ts must not pay for the proxy's HTTP work on their event loop.
 */
const PAIRS = 20;

export const seatRoundTrips = async () => {
  const dynamo = await startDynamoDbLocal({});
  const proxy = await startCountingProxy(dynamo.endpoint);
  const seats = await seatPlatform(proxy.endpoint, 100);
  try {
    await seats.seatPair('warm');
    const from = proxy.operations.length;
    for (let i = 0; i < PAIRS; i++) await seats.seatPair(`count-${i}`);
    const counted = proxy.operations.slice(from);
    return {
      requestsPerPair: counted.length / PAIRS,
      perOperation: counted.slice(0, 5).join(', '),
    };
  } finally {
    await seats.stop();
    await proxy.close();
    await dynamo.stop();
  }
};

/** Runs seatRoundTrips in a fresh process and returns what it measured. */
export const seatRoundTripsApart = (): { requestsPerPair: number; perOperation: string } => {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    throw new Error(`counting seat round trips failed (${child.status}): ${child.stdout}`);
  }
  return JSON.parse(last);
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await seatRoundTrips()));
}
