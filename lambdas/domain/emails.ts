/** E-mails Tessera sends, rendered as plain text and HTML from the same facts. Pure. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What kind of message this is, e.g. `activation-code`; becomes an SES tag / outbox header. */
  tag: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * `ian@acme.example` → `i•••@a•••.example`: the first character of the local part and of the
 * domain's first label, and the top-level label; everything else is hidden.
 */
export const maskEmail = (address: string): string => {
  const at = address.lastIndexOf('@');
  if (at < 1) return '•••';
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  const tld = labels.length > 1 ? labels.at(-1) : undefined;
  const first = labels[0] ?? '';
  return `${local.charAt(0)}•••@${first.charAt(0)}•••${tld ? `.${tld}` : ''}`;
};

export const activationCodeEmail = (facts: {
  to: string;
  code: string;
  productName: string;
  companyName: string;
  serial: string;
  hostname?: string;
  expiresAt: string;
}): EmailMessage => {
  const where = facts.hostname ? ` on ${facts.hostname}` : '';
  const expires = new Date(facts.expiresAt).toUTCString();
  const text = [
    `An instance${where} asked to activate the ${facts.productName} license ${facts.serial} of ${facts.companyName}.`,
    '',
    `Activation code: ${facts.code}`,
    '',
    `Type it into the instance before ${expires}.`,
    'If you did not request this, ignore this e-mail: the code is useless without the instance.',
  ].join('\n');
  const html = `<p>An instance${escapeHtml(where)} asked to activate the ${escapeHtml(facts.productName)} license <b>${escapeHtml(facts.serial)}</b> of ${escapeHtml(facts.companyName)}.</p>
<p style="font-size:24px;letter-spacing:2px"><b>${escapeHtml(facts.code)}</b></p>
<p>Type it into the instance before ${escapeHtml(expires)}.</p>
<p>If you did not request this, ignore this e-mail: the code is useless without the instance.</p>`;
  return {
    to: facts.to,
    subject: `Activation code for ${facts.productName} ${facts.serial}`,
    text,
    html,
    tag: 'activation-code',
  };
};
