/**
 * The e-mail templates Tessera sends, defined once, here. Pure: no I/O, no clock, no AWS.
 *
 * Each kind of message is a subject and a list of {@link EmailBlock}s whose strings hold slots
 * (`{company}`). One renderer turns the blocks into a subject, a text part and an HTML document,
 * and it is told what to write for a slot:
 *
 * - {@link emailTemplate}: a placeholder. The result is deployed as an SES template by CDK
 *   (lib/mail.ts) and rendered by the outbox with {@link fillTemplate}.
 * - {@link renderDirect}: the value itself. What a template must render to; the unit tests hold
 *   every template to it.
 *
 * Every placeholder is a triple-stash, `{{{name}}}`, which SES (Handlebars) inserts verbatim.
 * The HTML part never names a raw value: it names `{{{name_html}}}`, a copy that
 * {@link templateData} escaped here. Escaping therefore happens in one place, in this file,
 * whatever SES does with `{{name}}` (Handlebars would escape it; the SES guide says SES does
 * not escape HTML), and the local renderer needs one form only.
 */

import { type Language, languages } from './language.ts';

/** The building blocks of a message, rendered to text and HTML alike. */
export type EmailBlock =
  | { kind: 'paragraph'; text: string }
  /** A secret the reader types somewhere: shown large in HTML, on its own `label: value` line. */
  | { kind: 'code'; label: string; code: string }
  /** Label/value rows: an aligned list in text, a two-column table in HTML. */
  | { kind: 'facts'; rows: readonly (readonly [label: string, value: string])[] }
  /** Small print at the end. */
  | { kind: 'note'; text: string };

export const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * What a value may look like once it is in a message. Values come from people (company names)
 * and from instances (host names): one line, no control characters and no bidirectional
 * overrides, so a value can neither break the layout of the text part, forge a line in it, nor
 * display reversed. Runs of whitespace become one space; the ends are trimmed.
 */
export const sanitizeValue = (value: string): string =>
  value
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ')
    .trim();

const SLOT = /\{([a-z][A-Za-z0-9]*)\}/g;

/**
 * The wording of every message. `{name}` is a slot; everything else is literal text, one line,
 * without `{` or `}` (checked when the module loads, so Handlebars can never misread it).
 * Changing a word here changes the SES template at the next deploy and the outbox at once.
 */
/** Every message names its license the same way and says why the reader gets it. */
const LICENSE_ROWS = [
  ['Product', '{product}'],
  ['License serial', '{serial}'],
  ['Licensed to', '{company}'],
] as const;
const REGISTERED_NOTE = {
  kind: 'note',
  text: 'You receive this e-mail because this address is registered for license {serial}.',
} as const;

const specs = {
  'activation-code': {
    fields: ['code', 'product', 'serial', 'company', 'host', 'expires'],
    subject: 'Activation code for {product} license {serial}',
    blocks: [
      // First in the text part, before any value a person typed: see activationCodeIn.
      { kind: 'code', label: 'Your activation code', code: '{code}' },
      {
        kind: 'paragraph',
        text: 'An instance has requested activation of the {product} license {serial} of {company}.',
      },
      {
        kind: 'facts',
        rows: [...LICENSE_ROWS, ['Host', '{host}']],
      },
      {
        kind: 'paragraph',
        text: 'Enter the code on that instance to complete the activation. It can be used once and expires on {expires}.',
      },
      {
        kind: 'paragraph',
        text: 'If you did not request this, ignore this e-mail: the code is useless without the instance that asked for it.',
      },
      REGISTERED_NOTE,
    ],
  },
  'expiry-reminder': {
    fields: ['product', 'serial', 'company', 'validTill', 'timeLeft'],
    subject: 'Your {product} license {serial} expires in {timeLeft}',
    blocks: [
      {
        kind: 'paragraph',
        text: 'The {product} license {serial} of {company} expires in {timeLeft}, on {validTill}.',
      },
      {
        kind: 'facts',
        rows: [...LICENSE_ROWS, ['Valid till', '{validTill}']],
      },
      {
        kind: 'paragraph',
        text: 'After that, instances using this license can no longer validate it. To keep working without interruption, contact your vendor to renew it before then.',
      },
      {
        kind: 'paragraph',
        text: 'A renewal reaches every instance the next time it refreshes its license file: nothing needs to be activated again.',
      },
      REGISTERED_NOTE,
    ],
  },
  'license-expired': {
    fields: ['product', 'serial', 'company', 'validTill'],
    subject: 'Your {product} license {serial} has expired',
    blocks: [
      {
        kind: 'paragraph',
        text: 'The {product} license {serial} of {company} expired on {validTill}.',
      },
      {
        kind: 'facts',
        rows: [...LICENSE_ROWS, ['Valid till', '{validTill}']],
      },
      {
        kind: 'paragraph',
        text: 'Instances using this license can no longer validate it. Contact your vendor to renew it: the renewal reaches every instance the next time it refreshes its license file, without a new activation.',
      },
      REGISTERED_NOTE,
    ],
  },
  'license-issued': {
    fields: ['product', 'serial', 'company', 'key', 'seats', 'validFrom', 'validTill'],
    subject: 'Your {product} license {serial} is ready',
    blocks: [
      { kind: 'paragraph', text: 'A {product} license has been issued to {company}.' },
      { kind: 'code', label: 'Your license key', code: '{key}' },
      {
        kind: 'facts',
        rows: [
          ...LICENSE_ROWS,
          ['Seats', '{seats}'],
          ['Valid from', '{validFrom}'],
          ['Valid till', '{validTill}'],
        ],
      },
      {
        kind: 'paragraph',
        text: 'To activate, enter the license key in {product} on the machine that will use it. We then e-mail a one-time activation code to this address; enter that code on the same machine to complete the activation.',
      },
      {
        kind: 'paragraph',
        text: 'Keep this e-mail: you need the key again for every further installation.',
      },
      REGISTERED_NOTE,
    ],
  },
  invitation: {
    fields: ['email', 'password', 'role', 'signInUrl'],
    subject: 'Your %BRAND% account',
    blocks: [
      {
        kind: 'paragraph',
        text: 'You have been given an account to sign in to %BRAND% as {role}.',
      },
      { kind: 'code', label: 'Temporary password', code: '{password}' },
      {
        kind: 'facts',
        rows: [
          ['Sign in at', '{signInUrl}'],
          ['Username', '{email}'],
        ],
      },
      {
        kind: 'paragraph',
        text: 'At the first sign-in you choose a password of your own; the temporary one then stops working.',
      },
      {
        kind: 'note',
        text: 'If you did not expect this, ignore this e-mail: nothing happens until someone signs in with it.',
      },
    ],
  },
  'ticket-reply': {
    fields: ['number', 'subject', 'reply'],
    // The number in brackets first: mail clients thread on it, and a reply names the ticket.
    subject: '[{number}] {subject}',
    blocks: [
      {
        kind: 'paragraph',
        text: 'Our support team replied to your ticket {number}:',
      },
      { kind: 'paragraph', text: '{reply}' },
      {
        kind: 'note',
        text: 'You receive this e-mail because you opened ticket {number}. Answer this e-mail, or read the whole thread and answer in the customer portal.',
      },
    ],
  },
  'trial-declined': {
    fields: ['product', 'company', 'reason'],
    subject: 'Your {product} trial request',
    blocks: [
      {
        kind: 'paragraph',
        text: 'The request for a trial of {product} for {company} was declined.',
      },
      { kind: 'facts', rows: [['Reason', '{reason}']] },
      {
        kind: 'paragraph',
        text: 'No license was issued. If you have questions about this decision, or would like to talk about licensing {product}, contact your vendor.',
      },
      {
        kind: 'note',
        text: 'You receive this e-mail because this address was given for the trial license of {product}.',
      },
    ],
  },
  'offline-renewal': {
    fields: ['product', 'serial', 'company', 'device', 'refreshBy', 'stopsOn'],
    subject: 'Renew the {product} license file of {device} by {refreshBy}',
    blocks: [
      {
        kind: 'paragraph',
        text: 'The {product} license {serial} of {company} is installed on {device}, a device without internet. A person renews its license file by carrying it a new one.',
      },
      {
        kind: 'facts',
        rows: [
          ...LICENSE_ROWS,
          ['Device', '{device}'],
          ['Renew by', '{refreshBy}'],
          ['Stops working on', '{stopsOn}'],
        ],
      },
      {
        kind: 'paragraph',
        text: 'To renew it, open the license in the customer portal, download the license file of {device} and install it on the device. If it is not renewed, {product} on {device} stops working on {stopsOn}.',
      },
      REGISTERED_NOTE,
    ],
  },
} as const satisfies Record<string, Spec>;

type Spec = { fields: readonly string[]; subject: string; blocks: readonly EmailBlock[] };

/** The same messages in Italian: the same kinds, fields and blocks, word for word in meaning. */
const LICENSE_ROWS_IT = [
  ['Prodotto', '{product}'],
  ['Numero di serie', '{serial}'],
  ['Intestata a', '{company}'],
] as const;
const REGISTERED_NOTE_IT = {
  kind: 'note',
  text: 'Ricevi questa e-mail perché questo indirizzo è registrato per la licenza {serial}.',
} as const;

const specsIt = {
  'activation-code': {
    fields: specs['activation-code'].fields,
    subject: 'Codice di attivazione per la licenza {product} {serial}',
    blocks: [
      { kind: 'code', label: 'Il tuo codice di attivazione', code: '{code}' },
      {
        kind: 'paragraph',
        text: 'Un’istanza ha chiesto di attivare la licenza {product} {serial} di {company}.',
      },
      { kind: 'facts', rows: [...LICENSE_ROWS_IT, ['Host', '{host}']] },
      {
        kind: 'paragraph',
        text: 'Inserisci il codice su quell’istanza per completare l’attivazione. Vale una volta sola e scade il {expires}.',
      },
      {
        kind: 'paragraph',
        text: 'Se non l’hai chiesto tu, ignora questa e-mail: il codice non serve a nulla senza l’istanza che l’ha chiesto.',
      },
      REGISTERED_NOTE_IT,
    ],
  },
  'expiry-reminder': {
    fields: specs['expiry-reminder'].fields,
    subject: 'La tua licenza {product} {serial} scade tra {timeLeft}',
    blocks: [
      {
        kind: 'paragraph',
        text: 'La licenza {product} {serial} di {company} scade tra {timeLeft}, il {validTill}.',
      },
      { kind: 'facts', rows: [...LICENSE_ROWS_IT, ['Valida fino al', '{validTill}']] },
      {
        kind: 'paragraph',
        text: 'Dopo quella data le istanze che la usano non potranno più convalidarla. Per lavorare senza interruzioni, chiedi il rinnovo al tuo fornitore prima di allora.',
      },
      {
        kind: 'paragraph',
        text: 'Il rinnovo raggiunge ogni istanza al prossimo aggiornamento del file di licenza: non serve attivare di nuovo nulla.',
      },
      REGISTERED_NOTE_IT,
    ],
  },
  'license-expired': {
    fields: specs['license-expired'].fields,
    subject: 'La tua licenza {product} {serial} è scaduta',
    blocks: [
      {
        kind: 'paragraph',
        text: 'La licenza {product} {serial} di {company} è scaduta il {validTill}.',
      },
      { kind: 'facts', rows: [...LICENSE_ROWS_IT, ['Valida fino al', '{validTill}']] },
      {
        kind: 'paragraph',
        text: 'Le istanze che la usano non possono più convalidarla. Chiedi il rinnovo al tuo fornitore: raggiunge ogni istanza al prossimo aggiornamento del file di licenza, senza una nuova attivazione.',
      },
      REGISTERED_NOTE_IT,
    ],
  },
  'license-issued': {
    fields: specs['license-issued'].fields,
    subject: 'La tua licenza {product} {serial} è pronta',
    blocks: [
      { kind: 'paragraph', text: 'È stata emessa una licenza {product} per {company}.' },
      { kind: 'code', label: 'La tua chiave di licenza', code: '{key}' },
      {
        kind: 'facts',
        rows: [
          ...LICENSE_ROWS_IT,
          ['Posti', '{seats}'],
          ['Valida dal', '{validFrom}'],
          ['Valida fino al', '{validTill}'],
        ],
      },
      {
        kind: 'paragraph',
        text: 'Per attivarla, inserisci la chiave in {product} sulla macchina che la userà. Ti invieremo a questo indirizzo un codice di attivazione monouso; inseriscilo sulla stessa macchina per completare l’attivazione.',
      },
      {
        kind: 'paragraph',
        text: 'Conserva questa e-mail: la chiave ti serve di nuovo per ogni altra installazione.',
      },
      REGISTERED_NOTE_IT,
    ],
  },
  invitation: {
    fields: specs.invitation.fields,
    subject: 'Il tuo account %BRAND%',
    blocks: [
      { kind: 'paragraph', text: 'Hai ricevuto un account per accedere a %BRAND% come {role}.' },
      { kind: 'code', label: 'Password temporanea', code: '{password}' },
      {
        kind: 'facts',
        rows: [
          ['Accedi da', '{signInUrl}'],
          ['Nome utente', '{email}'],
        ],
      },
      {
        kind: 'paragraph',
        text: 'Al primo accesso scegli una password tua; quella temporanea smette di funzionare.',
      },
      {
        kind: 'note',
        text: 'Se non te lo aspettavi, ignora questa e-mail: non succede nulla finché qualcuno non accede con essa.',
      },
    ],
  },
  'ticket-reply': {
    fields: specs['ticket-reply'].fields,
    subject: '[{number}] {subject}',
    blocks: [
      { kind: 'paragraph', text: 'Il nostro supporto ha risposto al tuo ticket {number}:' },
      { kind: 'paragraph', text: '{reply}' },
      {
        kind: 'note',
        text: 'Ricevi questa e-mail perché hai aperto il ticket {number}. Rispondi a questa e-mail, oppure leggi tutta la conversazione e rispondi nel portale clienti.',
      },
    ],
  },
  'trial-declined': {
    fields: specs['trial-declined'].fields,
    subject: 'La tua richiesta di prova di {product}',
    blocks: [
      {
        kind: 'paragraph',
        text: 'La richiesta di una prova di {product} per {company} è stata rifiutata.',
      },
      { kind: 'facts', rows: [['Motivo', '{reason}']] },
      {
        kind: 'paragraph',
        text: 'Non è stata emessa alcuna licenza. Per domande su questa decisione, o per parlare di una licenza di {product}, contatta il tuo fornitore.',
      },
      {
        kind: 'note',
        text: 'Ricevi questa e-mail perché questo indirizzo è stato indicato per la licenza di prova di {product}.',
      },
    ],
  },
  'offline-renewal': {
    fields: specs['offline-renewal'].fields,
    subject: 'Rinnova entro il {refreshBy} il file di licenza {product} di {device}',
    blocks: [
      {
        kind: 'paragraph',
        text: 'La licenza {product} {serial} di {company} è installata su {device}, un dispositivo senza internet. Il suo file di licenza si rinnova portandogliene uno nuovo.',
      },
      {
        kind: 'facts',
        rows: [
          ...LICENSE_ROWS_IT,
          ['Dispositivo', '{device}'],
          ['Da rinnovare entro', '{refreshBy}'],
          ['Smette di funzionare il', '{stopsOn}'],
        ],
      },
      {
        kind: 'paragraph',
        text: 'Per rinnovarlo, apri la licenza nel portale clienti, scarica il file di licenza di {device} e installalo sul dispositivo. Se non viene rinnovato, {product} su {device} smette di funzionare il {stopsOn}.',
      },
      REGISTERED_NOTE_IT,
    ],
  },
} as const satisfies { [K in keyof typeof specs]: Spec };

const byLanguage: Record<Language, Record<keyof typeof specs, Spec>> = { en: specs, it: specsIt };

/**
 * The vendor's brand, from the stage's configuration: named in every message's header and footer
 * and wherever `%BRAND%` stands in the wording. Literal text in the SES templates, so it is
 * checked like the wording (one line, no braces).
 */
export interface Brand {
  name: string;
  /** `#rrggbb`: the header's bar. */
  colour: string;
  /** An https image shown in the header instead of the name. */
  logoUrl?: string;
  /** Where customers write for help: the footer names it. */
  supportAddress?: string;
}
export const DEFAULT_BRAND: Brand = { name: 'Tessera', colour: '#1f4e79' };

const ONE_LINE = /^[^{}\p{Cc}]+$/u;
/** A brand as a stage configures it: what the templates can carry as literal text. */
export const brandProblems = (brand: Brand): string[] => [
  ...(ONE_LINE.test(brand.name) && brand.name.length <= 60
    ? []
    : ['name: one line of at most 60 characters, without { or }']),
  ...(/^#[0-9a-fA-F]{6}$/.test(brand.colour) ? [] : ['colour: #rrggbb']),
  ...(brand.logoUrl === undefined ||
  (/^https:\/\/[^\s"'<>{}]+$/.test(brand.logoUrl) && brand.logoUrl.length <= 300)
    ? []
    : ['logoUrl: an https URL without quotes, spaces or braces']),
  ...(brand.supportAddress === undefined ||
  /^[^\s@{}"<>]+@[^\s@{}"<>]+\.[^\s@{}"<>]+$/.test(brand.supportAddress)
    ? []
    : ['supportAddress: an e-mail address']),
];

export type TemplateKind = keyof typeof specs;
export const TEMPLATE_KINDS = Object.keys(specs) as TemplateKind[];

/** The values a kind of message needs, by name: exactly these, none missing, none extra. */
export type TemplateValues<K extends TemplateKind> = Record<
  (typeof specs)[K]['fields'][number],
  string
>;

export const isTemplateKind = (kind: string): kind is TemplateKind => Object.hasOwn(specs, kind);

export const templateFields = (kind: TemplateKind): readonly string[] => specs[kind].fields;

// ---------------------------------------------------------------------------------------------
// One renderer for both uses.

type Part = 'text' | 'html';
/** What to write for a slot in the given part: a placeholder, or the value itself. */
type Fill = (name: string, part: Part) => string;

/** A string with slots, in a part: literal text (escaped for HTML) and filled slots. */
const fillString = (source: string, part: Part, fill: Fill): string => {
  let out = '';
  let last = 0;
  for (const match of source.matchAll(SLOT)) {
    const literal = source.slice(last, match.index);
    out += (part === 'html' ? escapeHtml(literal) : literal) + fill(match[1] ?? '', part);
    last = match.index + match[0].length;
  }
  const rest = source.slice(last);
  return out + (part === 'html' ? escapeHtml(rest) : rest);
};

const textBlock = (block: EmailBlock, fill: Fill): string => {
  const t = (s: string) => fillString(s, 'text', fill);
  switch (block.kind) {
    case 'paragraph':
    case 'note':
      return t(block.text);
    case 'code':
      return `${t(block.label)}: ${t(block.code)}`;
    case 'facts': {
      // Labels are literal text, so their widths are known before any value is.
      const width = Math.max(...block.rows.map(([label]) => label.length));
      return block.rows.map(([label, value]) => `  ${label.padEnd(width)}  ${t(value)}`).join('\n');
    }
  }
};

const FONT = "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";
const MONO = "ui-monospace,Menlo,Consolas,'Courier New',monospace";

const htmlBlock = (block: EmailBlock, fill: Fill): string => {
  const h = (s: string) => fillString(s, 'html', fill);
  switch (block.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px">${h(block.text)}</p>`;
    case 'note':
      return `<p style="margin:24px 0 0;font-size:12px;color:#666666">${h(block.text)}</p>`;
    case 'code':
      return [
        `<p style="margin:0 0 4px">${h(block.label)}</p>`,
        `<p style="margin:0 0 24px;font-family:${MONO};font-size:28px;font-weight:bold;letter-spacing:3px">${h(block.code)}</p>`,
      ].join('\n');
    case 'facts':
      return [
        '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
        ...block.rows.map(
          ([label, value]) =>
            `<tr><th scope="row" style="text-align:left;font-weight:normal;color:#555555;padding:2px 16px 2px 0">${h(label)}</th><td style="padding:2px 0">${h(value)}</td></tr>`,
        ),
        '</table>',
      ].join('\n');
  }
};

/** The three parts of a message. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const BRAND_TOKEN = /%BRAND%/g;

/** A spec with the brand's name where its wording says `%BRAND%`. */
const branded = (spec: Spec, brand: Brand): Spec => {
  const name = (s: string) => s.replace(BRAND_TOKEN, brand.name);
  return {
    fields: spec.fields,
    subject: name(spec.subject),
    blocks: spec.blocks.map((b) =>
      b.kind === 'facts'
        ? { ...b, rows: b.rows.map(([l, v]) => [name(l), name(v)] as const) }
        : b.kind === 'code'
          ? { ...b, label: name(b.label), code: name(b.code) }
          : { ...b, text: name(b.text) },
    ),
  };
};

const brandHeader = (brand: Brand) => {
  const mark = brand.logoUrl
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(brand.name)}" height="32" style="display:block;height:32px;border:0">`
    : `<strong style="font-size:18px">${escapeHtml(brand.name)}</strong>`;
  return `<div style="border-top:4px solid ${brand.colour};padding:16px 0 16px;margin:0 0 8px">${mark}</div>`;
};

const brandFooter = (brand: Brand, language: Language) => {
  const help = language === 'it' ? 'Assistenza' : 'Support';
  return brand.supportAddress ? `${brand.name} · ${help}: ${brand.supportAddress}` : brand.name;
};

const render = (
  unbranded: Spec,
  fill: Fill,
  language: Language = 'en',
  brand: Brand = DEFAULT_BRAND,
) => {
  const spec = branded(unbranded, brand);
  const footer = brandFooter(brand, language);
  const text = `${spec.blocks.map((b) => textBlock(b, fill)).join('\n\n')}\n\n-- \n${footer}\n`;
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${language}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${fillString(spec.subject, 'html', fill)}</title>`,
    '</head>',
    `<body style="margin:0;padding:24px;background:#f4f4f4;font-family:${FONT};font-size:15px;line-height:1.5;color:#1a1a1a">`,
    '<div style="max-width:560px;margin:0 auto;padding:0 24px 24px;background:#ffffff;border-radius:6px">',
    brandHeader(brand),
    ...spec.blocks.map((b) => htmlBlock(b, fill)),
    `<p style="margin:24px 0 0;padding-top:12px;border-top:1px solid #e5e5e5;font-size:12px;color:#666666">${escapeHtml(footer)}</p>`,
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { subject: fillString(spec.subject, 'text', fill), text, html };
};

// ---------------------------------------------------------------------------------------------
// Templates, as SES stores them and the outbox renders them.

/** The HTML-escaped copy of a value, as the HTML part names it. */
export const htmlField = (name: string): string => `${name}_html`;

/** An SES template: what CDK deploys and the outbox renders. */
export interface EmailTemplate extends EmailContent {
  /** `tessera-<stage>-<kind>`, and `-<language>` for languages other than English. */
  name: string;
  kind: TemplateKind;
  language: Language;
}

/** SES template names: `[A-Za-z0-9_-]`, at most 64 characters. */
export const templateName = (
  stage: string,
  kind: TemplateKind,
  language: Language = 'en',
): string => {
  const name = `tessera-${stage}-${kind}${language === 'en' ? '' : `-${language}`}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
    throw new Error(`Not a valid SES template name: ${name}`);
  return name;
};

const placeholders: Fill = (name, part) => `{{{${part === 'html' ? htmlField(name) : name}}}}`;

export const emailTemplate = (
  stage: string,
  kind: TemplateKind,
  language: Language = 'en',
  brand: Brand = DEFAULT_BRAND,
): EmailTemplate => ({
  name: templateName(stage, kind, language),
  kind,
  language,
  ...render(byLanguage[language][kind], placeholders, language, brand),
});

/** Every kind in every language: what CDK deploys to SES. */
export const emailTemplates = (stage: string, brand: Brand = DEFAULT_BRAND): EmailTemplate[] =>
  languages.flatMap((language) =>
    TEMPLATE_KINDS.map((kind) => emailTemplate(stage, kind, language, brand)),
  );

/**
 * What a message of this kind says with these values, rendered straight from the blocks: what
 * the template must render to. `values` are sanitised here exactly as {@link templateData} does.
 */
export const renderDirect = <K extends TemplateKind>(
  kind: K,
  values: TemplateValues<K>,
  language: Language = 'en',
  brand: Brand = DEFAULT_BRAND,
): EmailContent => {
  const clean = values as Record<string, string>;
  return render(
    byLanguage[language][kind],
    (name, part) => {
      const value = sanitizeValue(clean[name] ?? '');
      return part === 'html' ? escapeHtml(value) : value;
    },
    language,
    brand,
  );
};

/** Why values do not fit a template: field names only, never values (codes are secrets). */
export const templateDataProblems = (kind: string, data: Record<string, unknown>): string[] => {
  if (!isTemplateKind(kind)) return ['the template is not one Tessera has'];
  const fields = templateFields(kind);
  return [
    ...fields
      .filter((f) => typeof data[f] !== 'string' || sanitizeValue(data[f] as string) === '')
      .map((f) => `${f} is missing or empty`),
    ...Object.keys(data)
      .filter((key) => !fields.includes(key))
      .map((key) => `${JSON.stringify(key)} is not a field of ${kind}`),
  ];
};

/**
 * The TemplateData for a template: every value sanitised, plus its HTML-escaped copy
 * (`company` and `company_html`). Throws when {@link templateDataProblems} finds any: SES
 * would accept the send and then drop the message as a rendering failure.
 */
export const templateData = (kind: TemplateKind, data: Record<string, string>) => {
  const problems = templateDataProblems(kind, data);
  if (problems.length > 0) throw new Error(`Template data does not fit: ${problems.join('; ')}`);
  const out: Record<string, string> = {};
  for (const field of templateFields(kind)) {
    const value = sanitizeValue(data[field] ?? '');
    out[field] = value;
    out[htmlField(field)] = escapeHtml(value);
  }
  return out;
};

const PLACEHOLDER = /\{\{\{([A-Za-z][A-Za-z0-9_]*)\}\}\}/g;

/**
 * The local stand-in for SES's rendering, deliberately tiny: `{{{name}}}` becomes `data[name]`
 * verbatim, in one pass (a value is never scanned for placeholders). It is the only form the
 * templates use; any other `{{` or `}}` in a template is refused rather than guessed at, and so
 * is a placeholder without a value (SES would fail that message as a rendering failure).
 */
export const fillTemplate = (template: string, data: Readonly<Record<string, string>>): string => {
  const literal = template.replace(PLACEHOLDER, '');
  if (literal.includes('{{') || literal.includes('}}')) {
    throw new Error('The template uses a Handlebars form other than {{{name}}}');
  }
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = data[name];
    if (value === undefined) throw new Error(`The template data has no value for ${name}`);
    return value;
  });
};

export const renderTemplate = (
  template: EmailContent,
  data: Readonly<Record<string, string>>,
): EmailContent => ({
  subject: fillTemplate(template.subject, data),
  text: fillTemplate(template.text, data),
  html: fillTemplate(template.html, data),
});

// Literal text must be one line and free of braces, every slot a declared field and every field
// used: checked once, when the module loads, so a bad edit fails every test rather than a
// customer's e-mail.
for (const [kind, spec] of languages.flatMap((l) =>
  Object.entries(byLanguage[l] as Record<string, Spec>),
)) {
  const strings = [
    spec.subject,
    ...spec.blocks.flatMap((b) =>
      b.kind === 'facts' ? b.rows.flat() : b.kind === 'code' ? [b.label, b.code] : [b.text],
    ),
  ];
  const used = new Set<string>();
  for (const s of strings) {
    // split() with a capturing group: literal text at even indices, slot names at odd ones.
    const literals = s.split(SLOT).filter((_, n) => n % 2 === 0);
    if (literals.some((l) => /[{}\p{Cc}]|\s\s|[^\S ]/u.test(l))) {
      throw new Error(`${kind}: literal text must be one line without braces: ${s}`);
    }
    for (const [, name = ''] of s.matchAll(SLOT)) {
      if (!spec.fields.includes(name))
        throw new Error(`${kind}: {${name}} is not one of its fields`);
      used.add(name);
    }
  }
  const unused = spec.fields.filter((f) => !used.has(f));
  if (unused.length > 0) throw new Error(`${kind}: fields never shown: ${unused.join(', ')}`);
  for (const b of spec.blocks) {
    if (b.kind === 'facts' && b.rows.some(([label]) => label.replace(SLOT, '') !== label)) {
      throw new Error(`${kind}: a facts label must be literal text`);
    }
  }
}
