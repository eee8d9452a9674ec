import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { cognitoApi } from '../../lambdas/adapters/aws/services.ts';
import { identityDefinition as def } from '../../lib/identity-definition.ts';
import { freePort, startGuard } from './dynamodb.ts';

/**
 * The Cognito stand-in for the local runtime and the tests: `cognito-local`, a Node process with
 * its state in `<dir>/.cognito`, on a free port (its default, 9229, is Node's debugger port).
 * What it does not do that Cognito does (check temporary passwords, refuse disabled users,
 * enforce the password policy, global sign-out) Tessera's own checks cover; its token signing
 * key ships in its npm package, so its issuer is trusted only by the local runtime.
 */
export interface CognitoLocal {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The emulator "sends" codes (forgot-password) by printing a box to its stdout; this finds the
 * destination and code in it, so the local runtime can say them the way it says activation codes.
 */
export const codesIn = (text: string): { destination: string; code: string }[] =>
  [...text.matchAll(/Destination:\s+(\S+)[^\n]*\n[^\n]*Code:\s+(\S+)/g)].map((m) => ({
    destination: m[1] as string,
    code: m[2] as string,
  }));

export const startCognitoLocal = async (
  dir: string,
  onCode?: (delivery: { destination: string; code: string }) => void,
): Promise<CognitoLocal> => {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
  const child: ChildProcess = spawn(process.execPath, [bin], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending = (pending + chunk.toString('utf8')).slice(-8_000);
    const found = codesIn(pending);
    if (found.length === 0) return;
    pending = '';
    for (const delivery of found) onCode?.(delivery);
  });
  child.stderr?.resume();
  // Like DynamoDB Local, the emulator never outlives this process, however it ends.
  const killOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const guard = child.pid ? startGuard(child.pid) : undefined;
  child.once('exit', () => {
    process.off('exit', killOnExit);
    guard?.kill('SIGKILL');
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cognito-local exited (${child.exitCode})`);
    try {
      await accepts(port);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill();
        throw new Error('cognito-local did not start within 20 s');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    pid: child.pid as number,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
};

/** Whether something listens on the port: the emulator is up once it accepts a connection. */
const accepts = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });

export interface LocalPool {
  userPoolId: string;
  clientId: string;
  /** The issuer of its tokens: what IDENTITY_LOCAL_ISSUER trusts. */
  issuer: string;
}

/** The stage's pool, client and role groups on the emulator, from the same definition as CDK. */
export const ensureLocalPool = async (endpoint: string, stage: string): Promise<LocalPool> => {
  const api = cognitoApi({
    region: 'us-east-1',
    endpoint,
    credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
  });
  try {
    const listed = (await api.call('ListUserPools', { MaxResults: 60 })) as {
      UserPools?: { Id: string; Name: string }[];
    };
    let userPoolId = listed.UserPools?.find((p) => p.Name === def.poolName(stage))?.Id;
    if (!userPoolId) {
      const created = (await api.call('CreateUserPool', {
        PoolName: def.poolName(stage),
        UsernameConfiguration: { CaseSensitive: false },
        Policies: {
          PasswordPolicy: {
            MinimumLength: def.passwordPolicy.minLength,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: def.passwordPolicy.temporaryPasswordValidityDays,
          },
        },
        Schema: [{ Name: 'customerId', AttributeDataType: 'String', Mutable: true }],
      })) as { UserPool: { Id: string } };
      userPoolId = created.UserPool.Id;
      for (const role of def.groups) {
        await api.call('CreateGroup', { UserPoolId: userPoolId, GroupName: role });
      }
    }
    const clients = (await api.call('ListUserPoolClients', {
      UserPoolId: userPoolId,
      MaxResults: 60,
    })) as { UserPoolClients?: { ClientId: string; ClientName: string }[] };
    let clientId = clients.UserPoolClients?.find(
      (c) => c.ClientName === def.clientName(stage),
    )?.ClientId;
    if (!clientId) {
      const created = (await api.call('CreateUserPoolClient', {
        UserPoolId: userPoolId,
        ClientName: def.clientName(stage),
        ExplicitAuthFlows: def.authFlows.map((flow) => `ALLOW_${flow}`),
        EnableTokenRevocation: true,
      })) as { UserPoolClient: { ClientId: string } };
      clientId = created.UserPoolClient.ClientId;
    }
    // On every start, so a pool made by an older Tessera offers the authenticator app too.
    await api.call('SetUserPoolMfaConfig', {
      UserPoolId: userPoolId,
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    return { userPoolId, clientId, issuer: `${endpoint}/${userPoolId}` };
  } finally {
    api.destroy();
  }
};
