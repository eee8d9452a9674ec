import {
  changeTicket,
  getTicket,
  getTicketAttachment,
  listCustomerTickets,
  openTicket,
  postTicketMessage,
  ticketQueue,
  ticketStats,
} from '../domain/tickets.ts';
import { ticketsRoutes } from '../routes/tickets.ts';
import { customerStore } from '../store/customers.ts';
import { peopleStore } from '../store/people.ts';
import { projectStore } from '../store/projects.ts';
import { ticketStore } from '../store/tickets.ts';
import { files } from '../wiring/files.ts';
import { guards } from './guards.ts';
import { httpHandler, type OperationRequest } from './handler.ts';

const deps = ({ runtime }: OperationRequest) => ({
  tickets: runtime.store(ticketStore),
  customers: runtime.store(customerStore),
  projects: runtime.store(projectStore),
  people: runtime.store(peopleStore),
  files: files(),
});

export const handler = httpHandler(
  ticketsRoutes,
  {
    openTicket: (r) => openTicket(deps(r), r.change, r.input.path.customerId, r.input.body),
    listCustomerTickets: (r) =>
      listCustomerTickets(deps(r), r.principal, r.input.path.customerId, r.input.query),
    ticketStats: (r) => ticketStats(deps(r), r.principal, r.input.path.customerId, r.input.query),
    ticketQueue: (r) => ticketQueue(deps(r), r.principal, r.input.query),
    getTicket: (r) => getTicket(deps(r), r.principal, r.input.path.ticketId),
    getTicketAttachment: (r) =>
      getTicketAttachment(deps(r), r.principal, r.input.path.ticketId, r.input.path.attachmentId),
    changeTicket: (r) => changeTicket(deps(r), r.change, r.input.path.ticketId, r.input.body),
    postTicketMessage: (r) =>
      postTicketMessage(deps(r), r.change, r.input.path.ticketId, r.input.body),
  },
  { guards },
);
