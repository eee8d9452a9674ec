import { config } from '../config.ts';
import { invitationMessage } from '../domain/emails.ts';
import type { Inviter, PeopleDeps } from '../domain/people.ts';
import { peopleStore } from '../store/people.ts';
import { identityDirectory, passwords } from './identity.ts';
import { readerLanguage } from './language.ts';
import { currentMailer } from './mailing.ts';
import type { Runtime } from './runtime.ts';

/** Tessera's own invitation e-mail (SES in AWS, the outbox locally), never Cognito's. */
const inviterFor = (runtime: Runtime): Inviter => ({
  send: async ({ to, temporaryPassword, role, language, customerId }) => {
    await currentMailer().send(
      invitationMessage({
        to,
        temporaryPassword,
        role,
        signInUrl: config().CONSOLE_URL,
        language: language ?? (await readerLanguage(runtime)(to, customerId)),
      }),
    );
  },
});

export const peopleDeps = (runtime: Runtime): PeopleDeps => ({
  store: runtime.store(peopleStore),
  directory: identityDirectory(),
  passwords,
  inviter: inviterFor(runtime),
});
