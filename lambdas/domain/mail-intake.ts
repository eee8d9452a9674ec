import type { Attachment } from './attachments.ts';
import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { DomainError } from './errors.ts';
import type { SenderTrust } from './mail-trust.ts';
import type { Principal } from './principal.ts';
import {
  appendMessage,
  type MailMark,
  startTicket,
  type Ticket,
  type TicketStore,
} from './tickets.ts';

/**
 * Tickets opened and answered by e-mail (seed 002). Whatever carried the message (SES receiving
 * on AWS, the SMTP listener of `npm start`), it arrives here parsed, with the verdicts of the
 * scans that ran on it. Pure rules: who sent it, which ticket it belongs to, what it becomes.
 *
 * 1. A virus, or spam, is refused: audited, never a ticket (the raw message stays where it was
 *    received, for the operator).
 * 2. The sender is the person with that address (a customer's portal user), else the customer
 *    whose contact it is (exactly one), else unknown. A failed DMARC check makes every sender
 *    unknown: the From line may be forged (and, when the stage asks for it, so does any check
 *    that did not pass: ./mail-trust.ts).
 * 3. `[T000042]` in the subject names a ticket: when the sender is its requester, the mail is a
 *    reply and appends to the thread (a ticket waiting for them opens again).
 * 4. Otherwise a known sender of a customer with a support contract opens a new ticket of that
 *    customer; anyone else's mail becomes a ticket waiting for triage (no customer yet), which an
 *    agent files. Nothing is dropped.
 * 5. Each e-mail is taken in once: its Message-ID marks it in the transaction of its effect.
 */

/** Where received messages are kept (SES's S3 action on AWS, the SMTP listener locally). */
export const INBOUND_PREFIX = 'inbound/';

export type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface InboundMail {
  /** Hash of the Message-ID header (or of the whole message without one): one intake per mail. */
  messageIdHash: string;
  /** The From address, lower-cased; empty when the message named none. */
  from: string;
  subject: string;
  /** The text of the message, quoted history removed. */
  text: string;
  verdicts: { spam: Verdict; virus: Verdict; dmarc: Verdict };
  /** Its files, already in the file store. */
  attachments?: Attachment[];
  /** Lines about files that were not kept (over the limits), added after the text. */
  notes?: string[];
}

export type IntakeOutcome =
  | { outcome: 'opened' | 'appended' | 'triage'; ticketId: string; number: string }
  | { outcome: 'refused'; reason: 'virus' | 'spam' }
  | { outcome: 'duplicate' };

interface Sender {
  /** Who the ticket and the audit trail name. */
  principal: Principal;
  author: Ticket['requester'];
  customerId?: string;
  projectId?: string;
}

export interface IntakeDeps {
  tickets: Pick<TicketStore, 'nextNumber' | 'open' | 'get' | 'byNumber' | 'refuseMail' | 'change'>;
  people: {
    byEmail(email: string): Promise<
      | {
          id: string;
          email: string;
          role: string;
          status: string;
          customerId?: string;
          projectIds?: string[];
        }
      | undefined
    >;
  };
  customers: {
    get(id: string): Promise<{ supportServices?: string[] } | undefined>;
    byContact(email: string): Promise<string[]>;
  };
}

const SYSTEM: Principal = { kind: 'system', name: 'mail-intake' };
const NUMBER = /\[(T\d{6,})\]/;
/** What a ticket keeps of a mail's text (the thread's limit); the raw mail keeps the rest. */
export const MAX_BODY = 20_000;
const SUBJECT_MAX = 200;

export const receiveMail = async (
  deps: IntakeDeps,
  base: Omit<ChangeContext, 'principal'>,
  mail: InboundMail,
  trust: SenderTrust = 'dmarc-not-failed',
): Promise<IntakeOutcome> => {
  const mark: MailMark = { messageIdHash: mail.messageIdHash, now: base.now };
  try {
    return await intake(deps, base, mail, mark, trust);
  } catch (error) {
    // The mark exists: this very mail was taken in before (a redelivery).
    if (error instanceof DomainError && error.code === 'ALREADY_EXISTS') {
      return { outcome: 'duplicate' };
    }
    throw error;
  }
};

const intake = async (
  deps: IntakeDeps,
  base: Omit<ChangeContext, 'principal'>,
  mail: InboundMail,
  mark: MailMark,
  trust: SenderTrust,
): Promise<IntakeOutcome> => {
  const refusal =
    mail.verdicts.virus === 'FAIL' ? 'virus' : mail.verdicts.spam === 'FAIL' ? 'spam' : undefined;
  if (refusal) {
    await deps.tickets.refuseMail(
      mark,
      refusedEvent({ ...base, principal: SYSTEM }, mail, refusal),
    );
    return { outcome: 'refused', reason: refusal };
  }
  const dmarc = mail.verdicts.dmarc;
  const trusted =
    mail.from !== '' && (trust === 'dmarc-pass' ? dmarc === 'PASS' : dmarc !== 'FAIL');
  const sender = trusted ? await identify(deps, mail.from) : undefined;
  const ctx: ChangeContext = { ...base, principal: sender?.principal ?? SYSTEM };
  const body = [bodyOf(mail.text), ...(mail.notes ?? [])].join('\n\n');

  const named = await namedTicket(deps, mail.subject);
  if (named && trusted && sameAddress(named.requesterEmail, mail.from)) {
    await appendMessage(
      deps.tickets,
      ctx,
      named,
      {
        author: sender?.author ?? emailActor(mail.from),
        body,
        internal: false,
        agent: false,
        ...(mail.attachments?.length ? { attachments: mail.attachments } : {}),
      },
      mark,
    );
    return { outcome: 'appended', ticketId: named.id, number: named.number };
  }

  const services = sender?.customerId
    ? (await deps.customers.get(sender.customerId))?.supportServices
    : undefined;
  const subject = subjectOf(mail.subject);
  const filed = sender?.customerId !== undefined && services !== undefined && services.length > 0;
  const ticket = await startTicket(
    deps.tickets,
    ctx,
    {
      ...(filed && sender?.customerId ? { customerId: sender.customerId } : {}),
      ...(filed && sender?.projectId ? { projectId: sender.projectId } : {}),
      subject,
      ...(filed ? { service: serviceNamed(subject, services) } : {}),
      channel: 'email',
      requester: sender?.author ?? emailActor(mail.from),
      ...(mail.from ? { requesterEmail: mail.from } : {}),
    },
    { body, attachments: mail.attachments ?? [] },
    mark,
  );
  return { outcome: filed ? 'opened' : 'triage', ticketId: ticket.id, number: ticket.number };
};

const emailActor = (address: string): Ticket['requester'] => ({
  type: 'email',
  id: address || 'unknown sender',
});

const sameAddress = (a: string | undefined, b: string) =>
  a !== undefined && a.toLowerCase() === b.toLowerCase();

/** A portal person (active, of a customer), else the one customer this is the contact of. */
const identify = async (deps: IntakeDeps, address: string): Promise<Sender | undefined> => {
  const person = await deps.people.byEmail(address);
  if (person && person.status !== 'disabled' && person.customerId) {
    const role = person.role === 'customer-admin' ? 'customer-admin' : 'customer-user';
    const projects = person.projectIds;
    return {
      principal: {
        kind: 'person',
        personId: person.id,
        role,
        customerId: person.customerId,
        ...(projects ? { projects } : {}),
      },
      author: { type: 'person', id: person.id, role, customerId: person.customerId },
      customerId: person.customerId,
      // Someone limited to some projects sees only tickets of those: file it under the first.
      ...(projects?.[0] ? { projectId: projects[0] } : {}),
    };
  }
  if (person) return undefined;
  const customers = await deps.customers.byContact(address);
  const [only] = customers;
  if (customers.length !== 1 || !only) return undefined;
  return {
    principal: SYSTEM,
    author: { ...emailActor(address), customerId: only },
    customerId: only,
  };
};

const namedTicket = async (deps: IntakeDeps, subject: string) => {
  const number = NUMBER.exec(subject)?.[1];
  if (!number) return undefined;
  const id = await deps.tickets.byNumber(number);
  return id ? deps.tickets.get(id) : undefined;
};

/** The service the subject names (`Contact center: queue stuck`), else the contract's first. */
export const serviceNamed = (subject: string, services: readonly string[]): string => {
  const lower = subject.toLowerCase();
  return services.find((s) => lower.includes(s.toLowerCase())) ?? (services[0] as string);
};

export const subjectOf = (raw: string): string => {
  const clean = raw.replace(/\s+/g, ' ').trim();
  if (clean === '') return '(no subject)';
  return clean.length > SUBJECT_MAX ? `${clean.slice(0, SUBJECT_MAX - 1)}…` : clean;
};

/**
 * The new part of a mail: quoted history (`> …` lines, and everything after an "On … wrote:" /
 * "Il … ha scritto:" line) is cut, so a reply by e-mail adds what was written, not the thread.
 */
export const bodyOf = (text: string): string => {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = lines.findIndex(
    (line) =>
      /^(On\b.*\bwrote|Il\b.*\bha scritto):\s*$/i.test(line.trim()) ||
      /^-{2,}\s*Original Message\s*-{2,}$/i.test(line.trim()),
  );
  const kept = (cut >= 0 ? lines.slice(0, cut) : lines).filter((line) => !line.startsWith('>'));
  const body = kept.join('\n').trim() || text.trim() || '(empty message)';
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 1)}…` : body;
};

const refusedEvent = (
  ctx: ChangeContext,
  mail: InboundMail,
  reason: 'virus' | 'spam',
): AuditEvent =>
  auditEvent(ctx, 'mail.refused', { type: 'mail', id: mail.messageIdHash }, null, {
    from: mail.from,
    subject: subjectOf(mail.subject),
    reason,
  });
