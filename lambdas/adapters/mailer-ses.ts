import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mailer, MailerError } from './mailer.ts';

const retryable = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'SendingPausedException',
]);

/** SES v2 in AWS: a simple (text + HTML) message from the stage's sender identity. */
export const sesMailer = (options: {
  client: SESv2Client;
  from: string;
  configurationSetName?: string;
}): Mailer => ({
  send: async (message) => {
    try {
      const out = await options.client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                Html: { Data: message.html, Charset: 'UTF-8' },
              },
            },
          },
          EmailTags: [{ Name: 'tessera-message', Value: message.tag }],
          ...(options.configurationSetName
            ? { ConfigurationSetName: options.configurationSetName }
            : {}),
        }),
      );
      return { messageId: out.MessageId ?? '' };
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      throw new MailerError(`SES refused the ${message.tag} e-mail: ${name}`, retryable.has(name), {
        cause: name,
      });
    }
  },
});
