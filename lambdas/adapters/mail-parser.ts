import { createHash } from 'node:crypto';
import PostalMime from 'postal-mime';
import type { InboundMail } from '../domain/mail-intake.ts';

/** A file that came with an e-mail, decoded. */
export interface MailFile {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export type ParsedMail = InboundMail & { files: MailFile[] };

/** HTML to plain text, for mail without a text part: tags out, entities the parser decoded. */
const textOfHtml = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n');

/**
 * Parses a raw RFC 5322 message (as SES stores it in S3, as the local SMTP listener receives it)
 * with postal-mime. The verdicts are the receiving side's: SES's scans on AWS, none locally.
 */
export const parseMail = async (
  raw: Uint8Array,
  verdicts: InboundMail['verdicts'],
): Promise<ParsedMail> => {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const from = email.from?.address ?? email.sender?.address ?? '';
  const identity = email.messageId?.trim() || createHash('sha256').update(raw).digest('hex');
  return {
    messageIdHash: createHash('sha256').update(identity).digest('base64url'),
    from: from.toLowerCase(),
    subject: email.subject ?? '',
    text: email.text ?? (email.html ? textOfHtml(email.html) : ''),
    verdicts,
    files: email.attachments
      .filter((a) => !a.related)
      .map((a, n) => ({
        filename: a.filename ?? `attachment-${n + 1}`,
        contentType: a.mimeType || 'application/octet-stream',
        content:
          a.content instanceof ArrayBuffer
            ? new Uint8Array(a.content)
            : typeof a.content === 'string'
              ? new TextEncoder().encode(a.content)
              : a.content,
      })),
  };
};
