/**
 * Default SMS texts per event in English and Swahili, and `{{placeholder}}` rendering. Pure: the back
 * office validates tenant overrides (`sms_templates`) with the same functions the activity renders with.
 */

export const SMS_LANGUAGES = ['en', 'sw'] as const;
export type SmsLanguage = (typeof SMS_LANGUAGES)[number];

/** Each event and the placeholders its text may use. */
export const TEMPLATE_VARIABLES = {
  payment_received: ['name', 'amount', 'account', 'receipt', 'expiry'],
  expiry_reminder: ['name', 'days', 'amount', 'paybill', 'account', 'package', 'expiry'],
  suspended: ['name', 'amount', 'paybill', 'account'],
  reconnected: ['name', 'package', 'expiry'],
  hotspot_access_code: ['code', 'package', 'expiry'],
  installation_scheduled: ['name', 'date', 'time', 'technician'],
  kyc_approved: ['name', 'account'],
  kyc_rejected: ['name', 'reason'],
  renewal: ['name', 'package', 'amount', 'expiry', 'account'],
  welcome: ['name', 'account', 'package', 'username', 'password', 'paybill'],
  application_received: ['name', 'account'],
  voucher: ['code', 'package', 'amount', 'expiry'],
  invoice_issued: ['name', 'amount', 'due', 'paybill', 'account'],
  invoice_overdue: ['name', 'amount', 'fee', 'paybill', 'account'],
} as const satisfies Record<string, readonly string[]>;

export type TemplateKey = keyof typeof TEMPLATE_VARIABLES;
export const TEMPLATE_KEYS = Object.keys(TEMPLATE_VARIABLES) as TemplateKey[];
export const isTemplateKey = (key: string): key is TemplateKey => Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, key);

export const DEFAULT_TEMPLATES: Record<TemplateKey, Record<SmsLanguage, string>> = {
  payment_received: {
    en: 'Dear {{name}}, we have received KES {{amount}} for account {{account}} (M-Pesa {{receipt}}). Your internet is active until {{expiry}}. Thank you.',
    sw: 'Mpendwa {{name}}, tumepokea KES {{amount}} kwa akaunti {{account}} (M-Pesa {{receipt}}). Intaneti yako iko hai hadi {{expiry}}. Asante.',
  },
  expiry_reminder: {
    en: 'Dear {{name}}, your {{package}} internet expires in {{days}} day(s) on {{expiry}}. Pay KES {{amount}} to Paybill {{paybill}}, account {{account}} to stay connected.',
    sw: 'Mpendwa {{name}}, intaneti yako ya {{package}} itaisha baada ya siku {{days}} tarehe {{expiry}}. Lipa KES {{amount}} kwa Paybill {{paybill}}, akaunti {{account}} ili uendelee kuunganishwa.',
  },
  suspended: {
    en: 'Dear {{name}}, your internet has been suspended. Pay KES {{amount}} to Paybill {{paybill}}, account {{account}} and you will be reconnected immediately.',
    sw: 'Mpendwa {{name}}, intaneti yako imesimamishwa. Lipa KES {{amount}} kwa Paybill {{paybill}}, akaunti {{account}} na utaunganishwa mara moja.',
  },
  reconnected: {
    en: 'Dear {{name}}, you are back online on {{package}} until {{expiry}}. Karibu tena!',
    sw: 'Mpendwa {{name}}, umeunganishwa tena kwa {{package}} hadi {{expiry}}. Karibu tena!',
  },
  hotspot_access_code: {
    en: 'Your hotspot code is {{code}} for {{package}}, valid until {{expiry}}.',
    sw: 'Nambari yako ya hotspot ni {{code}} kwa {{package}}, inatumika hadi {{expiry}}.',
  },
  installation_scheduled: {
    en: 'Dear {{name}}, your installation is booked for {{date}} at {{time}}. Technician: {{technician}}.',
    sw: 'Mpendwa {{name}}, ufungaji wako umepangwa tarehe {{date}} saa {{time}}. Fundi: {{technician}}.',
  },
  kyc_approved: {
    en: 'Dear {{name}}, your application is approved. Your account number is {{account}}; we will call you to book installation.',
    sw: 'Mpendwa {{name}}, ombi lako limekubaliwa. Nambari yako ya akaunti ni {{account}}; tutakupigia kupanga ufungaji.',
  },
  kyc_rejected: {
    en: 'Dear {{name}}, we could not approve your application: {{reason}}. Please contact us for help.',
    sw: 'Mpendwa {{name}}, hatukuweza kukubali ombi lako: {{reason}}. Tafadhali wasiliana nasi kwa msaada.',
  },
  renewal: {
    en: 'Dear {{name}}, your {{package}} internet has been renewed with KES {{amount}} for account {{account}}. Active until {{expiry}}. Thank you.',
    sw: 'Mpendwa {{name}}, intaneti yako ya {{package}} imesasishwa kwa KES {{amount}} kwa akaunti {{account}}. Iko hai hadi {{expiry}}. Asante.',
  },
  welcome: {
    en: 'Karibu {{name}}! Your {{package}} internet is ready. PPPoE username: {{username}} password: {{password}}. Pay to Paybill {{paybill}}, account {{account}}.',
    sw: 'Karibu {{name}}! Intaneti yako ya {{package}} iko tayari. Jina la PPPoE: {{username}} nenosiri: {{password}}. Lipa kwa Paybill {{paybill}}, akaunti {{account}}.',
  },
  application_received: {
    en: 'Dear {{name}}, we have received your application (reference {{account}}). We will review it and get back to you shortly.',
    sw: 'Mpendwa {{name}}, tumepokea ombi lako (kumbukumbu {{account}}). Tutalikagua na kukujibu hivi karibuni.',
  },
  voucher: {
    en: 'Your voucher {{code}} gives you {{package}} for KES {{amount}}, valid until {{expiry}}.',
    sw: 'Vocha yako {{code}} inakupa {{package}} kwa KES {{amount}}, inatumika hadi {{expiry}}.',
  },
  invoice_issued: {
    en: 'Dear {{name}}, your internet bill of KES {{amount}} is due on {{due}}. Pay to Paybill {{paybill}}, account {{account}}.',
    sw: 'Mpendwa {{name}}, bili yako ya intaneti ya KES {{amount}} inadaiwa tarehe {{due}}. Lipa kwa Paybill {{paybill}}, akaunti {{account}}.',
  },
  invoice_overdue: {
    en: 'Dear {{name}}, your internet bill is overdue and a late fee of KES {{fee}} was added. Pay KES {{amount}} to Paybill {{paybill}}, account {{account}} to avoid disconnection.',
    sw: 'Mpendwa {{name}}, bili yako ya intaneti imepitwa na muda na ada ya KES {{fee}} imeongezwa. Lipa KES {{amount}} kwa Paybill {{paybill}}, akaunti {{account}} ili usikatiwe huduma.',
  },
};

/**
 * Events that wait out quiet hours (not urgent): reminders and paperwork. Everything else answers something
 * the customer just did or lost (a payment, a renewal, a suspension, a code) and goes at once.
 */
export const NON_URGENT_TEMPLATES: readonly TemplateKey[] = ['expiry_reminder', 'application_received', 'kyc_approved', 'kyc_rejected', 'installation_scheduled'];

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders a text uses, in order of first appearance. */
export function placeholdersIn(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Problems with a text as the template for `key`: placeholders it may not use. Empty when it is fine. */
export function templateProblems(body: string, allowed: readonly string[]): string[] {
  return placeholdersIn(body)
    .filter((name) => !allowed.includes(name))
    .map((name) => `unknown placeholder {{${name}}}; allowed: ${allowed.map((a) => `{{${a}}}`).join(' ') || 'none'}`);
}

/**
 * Fills `{{placeholder}}`s. Refuses (TemplateError) a placeholder outside `allowed`, and one with no value,
 * so a broken template fails loudly instead of sending "Dear {{name}}".
 */
export function renderTemplate(body: string, params: Record<string, string | number>, allowed: readonly string[] = Object.keys(params)): string {
  const problems = templateProblems(body, allowed);
  if (problems.length) throw new TemplateError(problems.join('; '));
  return body.replace(PLACEHOLDER, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || String(value) === '') throw new TemplateError(`no value for {{${name}}}`);
    return String(value);
  });
}
