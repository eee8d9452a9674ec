import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The forgot-password code the Cognito emulator "sent" to `email`: it keeps it in its state
 * files (`<dir>/.cognito/db/<pool>.json`), as Cognito keeps it unseen on AWS.
 */
export const resetCodeIn = async (cognitoDir: string, email: string): Promise<string> => {
  const db = join(cognitoDir, '.cognito', 'db');
  for (const file of await readdir(db)) {
    if (file === 'clients.json') continue;
    const state = JSON.parse(await readFile(join(db, file), 'utf8')) as {
      Users?: Record<
        string,
        { Attributes: { Name: string; Value: string }[]; ConfirmationCode?: string }
      >;
    };
    for (const user of Object.values(state.Users ?? {})) {
      const address = user.Attributes.find((a) => a.Name === 'email')?.Value;
      if (address === email && user.ConfirmationCode) return user.ConfirmationCode;
    }
  }
  throw new Error(`no reset code for ${email}`);
};
