import { parseMail } from '../adapters/mail-parser.ts';
import { type FileStore, fitMailFiles, storeFiles } from '../domain/attachments.ts';
import { type InboundMail, type IntakeOutcome, receiveMail } from '../domain/mail-intake.ts';
import { customerStore } from '../store/customers.ts';
import { peopleStore } from '../store/people.ts';
import { ticketStore } from '../store/tickets.ts';
import type { Runtime } from '../wiring/runtime.ts';

/**
 * One e-mail to the support address, from raw bytes to its effect on tickets: parsed, its files
 * kept (those within the limits), then taken in by the domain's rules. SES receiving (./handler.ts)
 * and the local SMTP listener (bin/local/smtp.ts) both end here.
 */
export const takeInMail = async (
  rt: Runtime,
  files: FileStore,
  raw: Uint8Array,
  verdicts: InboundMail['verdicts'],
): Promise<IntakeOutcome> => {
  const mail = await parseMail(raw, verdicts);
  const refused = verdicts.virus === 'FAIL' || verdicts.spam === 'FAIL';
  // A refused mail's files are not kept anywhere Tessera serves them from.
  const { kept, notes } = refused ? { kept: [], notes: [] } : fitMailFiles(mail.files);
  const attachments = await storeFiles(files, () => rt.ids.next('att'), kept);
  return receiveMail(
    {
      tickets: rt.store(ticketStore),
      people: rt.store(peopleStore),
      customers: rt.store(customerStore),
    },
    { now: rt.clock.now(), ids: rt.ids },
    { ...mail, attachments, notes },
    rt.config.MAIL_SENDER_TRUST,
  );
};
