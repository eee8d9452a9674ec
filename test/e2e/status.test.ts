import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLocalPlatform } from '../support/platform.ts';
import { repoRoot, runScript } from '../support/scripts.ts';

/** `npm run status` against the running local platform, as an operator or a script reads it. */
const local = useLocalPlatform();

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${local().url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${local().adminToken}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

const status = (args: string[] = []) =>
  runScript('bin/status.ts', args, { TESSERA_STATE_DIR: local().stateDir });

describe('npm run status', () => {
  it('shows expiring licenses, the fullest pools, each job’s last run and the outbox, also as JSON', async () => {
    await api('POST', '/products', { code: 'CRM', name: 'CRM', seatModel: 'named' });
    const customer = await api('POST', '/customers', { name: 'Status Co' });
    const projectId = customer.json.defaultProjectId as string;
    const customerId = customer.json.id as string;
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    for (const validTill of [days(5), days(20), days(200)]) {
      const issued = await api('POST', '/licenses', {
        productCode: 'CRM',
        customerId,
        registeredEmail: 'it@status.example',
        companyName: 'Status Co',
        seatLimit: 2,
        validTill,
      });
      expect(issued.status).toBe(201);
    }
    const pool = `/customers/${customerId}/projects/${projectId}/pools/CRM`;
    for (const userId of ['ann', 'bob', 'cy']) {
      expect((await api('POST', `${pool}/assignments`, { userId })).status).toBe(201);
    }
    await local().runJob('seat-reconciliation');

    const json = status(['--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.licensesExpiring).toEqual({ in30Days: 2, in7Days: 1, in1Day: 0 });
    expect(report.fullestPools[0]).toMatchObject({
      projectId,
      productCode: 'CRM',
      used: 3,
      limit: 6,
      percent: 50,
    });
    expect(report.jobs).toEqual([
      expect.objectContaining({ job: 'seat-reconciliation', outcome: 'ok', failed: 0 }),
    ]);
    expect(report.pendingNotices).toBe(3); // each license's "issued" e-mail, until the job sends it
    expect(report.outbox).toBe(0);

    const text = status();
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/within 30 days: 2 {3}7 days: 1 {3}1 day: 0/);
    expect(text.stdout).toMatch(/50% +3 \/ 6 +CRM/);
    expect(text.stdout).toMatch(/seat-reconciliation +ok/);
    expect(text.stdout).toMatch(/seat-reaper +not run yet/);
  }, 60_000);

  it('says to start Tessera when none runs', () => {
    const out = runScript('bin/status.ts', [], {
      TESSERA_STATE_DIR: join(repoRoot, 'no-such-state-folder'),
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("start it with 'npm start'");
  });
});
