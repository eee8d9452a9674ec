import { config } from '../config.ts';
import { invitationMessage } from '../domain/emails.ts';
import type { Inviter, PeopleDeps } from '../domain/people.ts';
import { peopleStore } from '../store/people.ts';
import { identityDirectory, passwords } from './identity.ts';
import { currentMailer } from './mailing.ts';
import type { Runtime } from './runtime.ts';

/** Tessera's own invitation e-mail (SES in AWS, the outbox locally), never Cognito's. */
const inviter: Inviter = {
  send: async ({ to, temporaryPassword, role }) => {
    await currentMailer().send(
      invitationMessage({ to, temporaryPassword, role, signInUrl: config().CONSOLE_URL }),
    );
  },
};

export const peopleDeps = (runtime: Runtime): PeopleDeps => ({
  store: runtime.store(peopleStore),
  directory: identityDirectory(),
  passwords,
  inviter,
});
