import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { INBOUND_PREFIX } from '../../lambdas/domain/mail-intake.ts';
import { takeInMail } from '../../lambdas/mail/take-in.ts';
import { files } from '../../lambdas/wiring/files.ts';
import { runtime } from '../../lambdas/wiring/runtime.ts';

/** What SES receiving accepts per message (40 MB); locally the same bound applies. */
export const SMTP_MAX_BYTES = 40 * 1024 * 1024;
export const DEFAULT_SMTP_PORT = 2525;

export interface LocalSmtp {
  port: number;
  close(): Promise<void>;
}

/**
 * The local stand-in for SES receiving: an SMTP listener on localhost. Every message it accepts
 * is kept as `inbound/<id>.eml` in the files folder (where SES's S3 action would put it) and then
 * taken in exactly as the AWS function takes it in. No scanning runs here, so the verdicts are
 * `DISABLED`. Any recipient is accepted: locally every address is the support address.
 */
export const startLocalSmtp = async (options: {
  port: number;
  host: string;
  log: (line: string) => void;
}): Promise<LocalSmtp> => {
  const server = new SMTPServer({
    name: 'tessera.local',
    banner: 'Tessera support mail (local)',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: SMTP_MAX_BYTES,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          const error = Object.assign(new Error('Message exceeds the size limit'), {
            responseCode: 552,
          });
          return callback(error);
        }
        const raw = Buffer.concat(chunks);
        const store = files();
        store
          .put(`${INBOUND_PREFIX}${randomUUID()}.eml`, raw, 'message/rfc822')
          .then(() =>
            takeInMail(runtime(), store, raw, {
              spam: 'DISABLED',
              virus: 'DISABLED',
              dmarc: 'DISABLED',
            }),
          )
          .then(
            (outcome) => {
              const said =
                'number' in outcome ? `${outcome.outcome} ${outcome.number}` : outcome.outcome;
              options.log(`mail: ${said}`);
              callback(null, `Taken in: ${said}`);
            },
            (error: unknown) => {
              options.log(`mail: not taken in (${error instanceof Error ? error.message : error})`);
              // 451: a temporary failure, so the sending client tries again later.
              callback(
                Object.assign(new Error('Not taken in; try again later'), { responseCode: 451 }),
              );
            },
          );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.log(`smtp: ${error.message}`));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
