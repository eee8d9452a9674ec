import { beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/scripts.ts';
import { createTestTable } from '../support/table.ts';

/** The operator CLI as an operator runs it: a process, its output and exit code. */
const admin = (args: string[], env: Record<string, string | undefined> = {}) =>
  runScript('bin/admin.ts', args, env);
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

let where: string[];
beforeAll(async () => {
  const table = await createTestTable();
  where = ['--table', table.tableName, '--region', 'us-east-1', '--endpoint', table.endpoint];
});

describe('the admin CLI', () => {
  it('explains itself and each command with --help, and exits 0', () => {
    const all = admin(['--help']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/create-token[\s\S]*list-tokens[\s\S]*revoke-token/);
    for (const command of ['create-token', 'list-tokens', 'revoke-token']) {
      const one = admin([command, '--help']);
      expect(one.code, command).toBe(0);
      expect(one.stdout).toContain(`npm run admin -- ${command}`);
      expect(one.stdout).toContain('--local');
    }
  });

  it('names the flag the user got wrong, without a stack trace, and exits 2', () => {
    const unknown = admin(['create-token', '--rol', 'vendor-admin']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'--rol'");
    const badRole = admin(['create-token', '--role', 'boss', '--name', 'x', ...where]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role:/);
    const noTable = admin(['list-tokens']);
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toMatch(/--table <TableName> --region <region>, or --local/);
    const noRegion = admin(['list-tokens', '--table', 'x'], {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
    });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain('--table x: which region?');
    for (const out of [unknown, badRole, noTable, noRegion]) noStack(out.stderr);
  });

  it('says how to get credentials instead of throwing when there are none', () => {
    const out = admin(['list-tokens', ...where], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: 'tessera-no-such-profile',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/No usable AWS credentials: set AWS_PROFILE/);
    noStack(out.stderr);
  });

  it('names a table that does not exist in the region', () => {
    const out = admin([
      'list-tokens',
      '--table',
      'no-such-table',
      '--region',
      'us-east-1',
      '--endpoint',
      where[5] as string,
    ]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('--table no-such-table: no such table in us-east-1');
    noStack(out.stderr);
  });

  it('creates, lists and revokes a token, the secret shown once', () => {
    const created = admin([
      'create-token',
      '--role',
      'vendor-admin',
      '--name',
      'first admin',
      ...where,
    ]);
    expect(created.code).toBe(0);
    const id = /token (tok_[0-9a-z]{16})/.exec(created.stdout)?.[1] as string;
    expect(created.stdout).toMatch(/tsr_[0-9a-z]{16}_[A-Za-z0-9_-]{43}/);

    const listed = admin(['list-tokens', ...where]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain('tsr_');

    const revoked = admin(['revoke-token', id, ...where]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked token ${id}`);
    expect(admin(['list-tokens', ...where]).stdout).not.toContain(id);
    expect(admin(['list-tokens', '--revoked', ...where]).stdout).toMatch(
      new RegExp(`${id}.*revoked`),
    );
    expect(admin(['revoke-token', 'tok_x', ...where]).stderr).toContain('not a token id');
  });
});
