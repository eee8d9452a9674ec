import {
  changePerson,
  disablePerson,
  enablePerson,
  getPerson,
  invitePerson,
  listPeople,
  removePerson,
  resendInvitation,
} from '../domain/people.ts';
import { peopleRoutes } from '../routes/people.ts';
import { peopleStore } from '../store/people.ts';
import { peopleDeps } from '../wiring/people-deps.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  peopleRoutes,
  {
    invitePerson: ({ input, runtime, change }) =>
      invitePerson(peopleDeps(runtime), change, input.body),
    listPeople: ({ input, runtime, principal }) =>
      listPeople(runtime.store(peopleStore), principal, input.query),
    getPerson: ({ input, runtime, principal }) =>
      getPerson(runtime.store(peopleStore), principal, input.path.personId),
    changePerson: ({ input, runtime, change }) =>
      changePerson(peopleDeps(runtime), change, input.path.personId, input.body),
    resendInvitation: ({ input, runtime, change }) =>
      resendInvitation(peopleDeps(runtime), change, input.path.personId),
    disablePerson: ({ input, runtime, change }) =>
      disablePerson(peopleDeps(runtime), change, input.path.personId),
    enablePerson: ({ input, runtime, change }) =>
      enablePerson(peopleDeps(runtime), change, input.path.personId),
    removePerson: ({ input, runtime, change }) =>
      removePerson(peopleDeps(runtime), change, input.path.personId),
  },
  { guards },
);
