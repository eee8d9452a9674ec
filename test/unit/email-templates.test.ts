import { describe, expect, it } from 'vitest';
import {
  emailTemplate,
  emailTemplates,
  fillTemplate,
  renderDirect,
  renderTemplate,
  TEMPLATE_KINDS,
  type TemplateKind,
  templateData,
  templateDataProblems,
  templateFields,
  templateName,
} from '../../lambdas/domain/email-templates.ts';
import {
  emailMessage,
  expiryReminderMessage,
  licenseIssuedMessage,
  renderMessage,
} from '../../lambdas/domain/emails.ts';

/** Values for every field of a kind, each built by `value(field)`. */
const valuesFor = (kind: TemplateKind, value: (field: string) => string) =>
  Object.fromEntries(templateFields(kind).map((f) => [f, value(f)])) as Record<string, string>;

const awkward: [string, (field: string) => string][] = [
  ['plain values', (f) => `${f} value`],
  ['HTML metacharacters', (f) => `<b>${f}</b> & "quoted" 'single' <script>alert(1)</script>`],
  ['already-escaped text', (f) => `${f} &amp; &lt;not a tag&gt; &#39;`],
  ['unicode', (f) => `Müller & Söhne – «Köln» 😀 ${f} שלום 東京`],
  ['placeholder look-alikes', (f) => `{{{code}}} {{${f}}} {${f}} {{#if x}}y{{/if}} }}} \\{{x}}`],
  ['line breaks and control characters', (f) => `  ${f}\r\nBcc: x@evil.example\t\u0000\u2028end  `],
  ['bidirectional overrides', (f) => `\u202E${f}\u202Dtxt.exe`],
  ['dollar patterns', (f) => `$& $1 $$ $\` $' ${f}`],
];

describe('every template renders exactly what its blocks say', () => {
  const cases = TEMPLATE_KINDS.flatMap((kind) =>
    awkward.map(([what, value]) => [kind, what, value] as const),
  );

  it.each(cases)(
    '%s with %s: the outbox renderer equals rendering the blocks directly',
    (kind, _what, value) => {
      const values = valuesFor(kind, value);
      const template = emailTemplate('prod', kind);
      const viaTemplate = renderTemplate(template, templateData(kind, values));
      expect(viaTemplate).toStrictEqual(renderDirect(kind, values as never));
    },
  );

  it('escapes every value in the HTML part and keeps it verbatim in the text part', () => {
    for (const kind of TEMPLATE_KINDS) {
      const values = valuesFor(kind, (f) => `<i>${f}</i> & "q" 'a'`);
      const { subject, text, html } = renderTemplate(
        emailTemplate('prod', kind),
        templateData(kind, values),
      );
      expect(html).not.toContain('<i>');
      expect(html).toContain('&lt;i&gt;');
      expect(html).toContain('&amp; &quot;q&quot; &#39;a&#39;');
      expect(text).toContain('<i>');
      expect(`${subject}\n${text}`).not.toMatch(/&(amp|lt|gt|quot|#39);/);
    }
  });

  it('keeps each value on one line without control characters or direction overrides', () => {
    const data = templateData('license-expired', {
      product: ' Call\r\n\tCenter ',
      serial: 'TS1\u0000\u0007',
      company: '\u202EAcme\u2028Corp',
      validTill: '23 Nov 2026, 00:00 UTC',
    });
    expect(data).toMatchObject({ product: 'Call Center', serial: 'TS1', company: 'Acme Corp' });
  });
});

describe('the templates SES stores', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{\{\{([^}]+)\}\}\}/g)].map((m) => m[1]);

  it('are named tessera-<stage>-<kind>, one per kind, and -it for the Italian ones', () => {
    const kinds = [
      'activation-code',
      'expiry-reminder',
      'license-expired',
      'license-issued',
      'invitation',
      'ticket-reply',
      'trial-declined',
      'offline-renewal',
    ];
    expect(emailTemplates('prod').map((t) => t.name)).toEqual([
      ...kinds.map((k) => `tessera-prod-${k}`),
      ...kinds.map((k) => `tessera-prod-${k}-it`),
    ]);
    expect(() => templateName('x'.repeat(60), 'activation-code')).toThrow(/template name/);
  });

  it('use {{{name}}} only: raw values in subject and text, escaped copies in HTML', () => {
    for (const t of emailTemplates('prod')) {
      const fields = [...templateFields(t.kind)].sort();
      for (const part of [t.subject, t.text, t.html]) {
        // No double-stash, block helper, comment or partial anywhere.
        expect(part.replace(/\{\{\{[A-Za-z0-9_]+\}\}\}/g, '')).not.toMatch(/\{\{|\}\}/);
      }
      expect([...new Set([...placeholders(t.subject), ...placeholders(t.text)])].sort()).toEqual(
        fields,
      );
      expect([...new Set(placeholders(t.html))].sort()).toEqual(fields.map((f) => `${f}_html`));
      expect(t.subject).not.toMatch(/[\r\n]/);
    }
  });

  it('do not depend on the stage except by name', () => {
    const { name: _p, ...prod } = emailTemplate('prod', 'license-issued');
    const { name: _d, ...dev } = emailTemplate('dev', 'license-issued');
    expect(prod).toStrictEqual(dev);
  });
});

describe('the vendor’s voice', () => {
  const brand = {
    name: 'Acme Licensing',
    colour: '#aa0000',
    logoUrl: 'https://acme.example/logo.png',
    supportAddress: 'help@acme.example',
  };

  it.each(TEMPLATE_KINDS.flatMap((kind) => (['en', 'it'] as const).map((l) => [kind, l] as const)))(
    '%s in %s: the template with a brand renders exactly what its blocks say',
    (kind, language) => {
      const values = valuesFor(kind, (f) => `value of ${f}`);
      const template = emailTemplate('prod', kind, language, brand);
      const rendered = renderTemplate(template, templateData(kind, values));
      expect(rendered).toStrictEqual(renderDirect(kind, values as never, language, brand));
      expect(rendered.html).toContain(`<html lang="${language}">`);
      expect(rendered.html).toContain('src="https://acme.example/logo.png" alt="Acme Licensing"');
      expect(rendered.html).toContain('border-top:4px solid #aa0000');
      expect(rendered.text).toContain(
        `Acme Licensing · ${language === 'it' ? 'Assistenza' : 'Support'}: help@acme.example`,
      );
    },
  );

  it('speaks Italian to an Italian reader, naming the vendor where the wording says so', () => {
    const values = {
      email: 'a@b.it',
      password: 'Xy-12345',
      role: 'customer-user',
      signInUrl: 'https://x.example/',
    };
    const it = renderTemplate(
      emailTemplate('prod', 'invitation', 'it', brand),
      templateData('invitation', values),
    );
    const en = renderTemplate(
      emailTemplate('prod', 'invitation', 'en', brand),
      templateData('invitation', values),
    );
    expect(it.subject).toBe('Il tuo account Acme Licensing');
    expect(it.text).toContain('Password temporanea: Xy-12345');
    expect(en.subject).toBe('Your Acme Licensing account');
  });
});

describe('the local renderer', () => {
  it('substitutes {{{name}}} verbatim, in one pass', () => {
    expect(fillTemplate('a {{{x}}} b {{{y}}}', { x: '{{{y}}}', y: '<&>' })).toBe('a {{{y}}} b <&>');
  });

  it.each([
    ['a double-stash', 'Hello {{name}}'],
    ['a block helper', '{{#if x}}y{{/if}}'],
    ['a comment', '{{! note }}'],
    ['a stray closing brace pair', 'a }} b'],
  ])('refuses %s rather than guessing what SES would do', (_what, template) => {
    expect(() => fillTemplate(template, { name: 'n', x: 'x' })).toThrow(/\{\{\{name\}\}\}/);
  });

  it('fails a placeholder without a value, as SES fails the message', () => {
    expect(() => fillTemplate('{{{x}}}', {})).toThrow(/no value for x/);
  });
});

describe('template data', () => {
  it('names missing, empty and unknown fields, never values', () => {
    const problems = templateDataProblems('license-expired', {
      product: 'secret-product',
      serial: '   ',
      company: 'Acme',
      colour: 'blue',
    });
    expect(problems).toEqual([
      'serial is missing or empty',
      'validTill is missing or empty',
      '"colour" is not a field of license-expired',
    ]);
    expect(problems.join()).not.toContain('secret-product');
    expect(templateDataProblems('newsletter', {})).toEqual(['the template is not one Tessera has']);
    expect(() => templateData('license-expired', {})).toThrow(/does not fit/);
  });
});

// ---------------------------------------------------------------------------------------------

const license = {
  to: 'it@acme.example',
  productName: 'Call Center',
  companyName: 'Acme & Co',
  serial: 'TS00000042',
};

describe('the expiry reminder', () => {
  it('says how long is left, until when, and what to do', () => {
    const m = expiryReminderMessage({
      ...license,
      validTill: '2026-12-31T00:00:00Z',
      daysLeft: 30,
    });
    expect(m).toMatchObject({
      to: 'it@acme.example',
      template: 'expiry-reminder',
      tag: 'expiry-reminder',
    });
    const { subject, text, html } = renderMessage(m);
    expect(subject).toBe('Your Call Center license TS00000042 expires in 30 days');
    expect(text.split('\n')[0]).toBe(
      'The Call Center license TS00000042 of Acme & Co expires in 30 days, on 31 Dec 2026, 00:00 UTC.',
    );
    expect(text).toContain('contact your vendor to renew it');
    expect(text).toMatch(/^ {2}Valid till {6}31 Dec 2026, 00:00 UTC$/m);
    expect(html).toContain('Acme &amp; Co');
  });

  it('says "1 day", not "1 days"', () => {
    const m = expiryReminderMessage({ ...license, validTill: '2026-12-31T00:00:00Z', daysLeft: 1 });
    expect(renderMessage(m).subject).toBe('Your Call Center license TS00000042 expires in 1 day');
  });

  it.each([0, -3])('becomes the "has expired" notice at %s days left', (daysLeft) => {
    const m = expiryReminderMessage({ ...license, validTill: '2026-12-31T00:00:00Z', daysLeft });
    expect(m).toMatchObject({ template: 'license-expired', tag: 'license-expired' });
    const { subject, text } = renderMessage(m);
    expect(subject).toBe('Your Call Center license TS00000042 has expired');
    expect(text).toContain('expired on 31 Dec 2026, 00:00 UTC.');
    expect(text).toContain('Contact your vendor to renew it');
  });

  it('refuses a fraction of a day or a date that is not one', () => {
    expect(() =>
      expiryReminderMessage({ ...license, validTill: '2026-12-31', daysLeft: 1.5 }),
    ).toThrow(/daysLeft/);
    expect(() => expiryReminderMessage({ ...license, validTill: 'soon', daysLeft: 3 })).toThrow(
      /validTill/,
    );
  });
});

describe('the license-issued notice', () => {
  const issued = {
    ...license,
    licenseKey: 'K7QX2-M9RTB-4HWZN-8CDPL-V3JYF',
    seats: 1250,
    validFrom: '2026-01-01T00:00:00Z',
    validTill: '2027-01-01T00:00:00Z',
    locale: 'de-DE',
  };

  it('gives the key, seats, validity and how to activate', () => {
    const m = licenseIssuedMessage(issued);
    expect(m).toMatchObject({ template: 'license-issued', tag: 'license-issued' });
    const { subject, text } = renderMessage(m);
    expect(subject).toBe('Your Call Center license TS00000042 is ready');
    expect(text).toContain('Your license key: K7QX2-M9RTB-4HWZN-8CDPL-V3JYF');
    expect(text).toMatch(/^ {2}Seats {11}1250$/m);
    expect(text).toMatch(/^ {2}Valid from {6}01\.01\.2026, 00:00 UTC$/m);
    expect(text).toMatch(/^ {2}Valid till {6}01\.01\.2027, 00:00 UTC$/m);
    expect(text).toContain('enter the license key in Call Center on the machine that will use it');
    expect(text).toContain('one-time activation code to this address');
  });

  it('says a perpetual license has no end date', () => {
    const { validTill: _, ...perpetual } = issued;
    expect(renderMessage(licenseIssuedMessage(perpetual)).text).toMatch(
      /^ {2}Valid till {6}No end date$/m,
    );
  });

  it('is what emailMessage builds for the kind', () => {
    expect(emailMessage('license-issued', issued)).toStrictEqual(licenseIssuedMessage(issued));
    expect(
      emailMessage('expiry-reminder', {
        ...license,
        validTill: '2026-12-31T00:00:00Z',
        daysLeft: 0,
      }).template,
    ).toBe('license-expired');
  });
});
