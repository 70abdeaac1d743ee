import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { DEFAULT_TEMPLATES, isTemplateKey, renderTemplate, TEMPLATE_KEYS, TEMPLATE_VARIABLES, templateProblems, type TemplateKey } from '../../../activities/sms/templates';
import { audit } from '../../../db/queries/audit';
import { smsTemplates } from '../../../db/queries/sms';
import { smsSize } from '../../../domain/sms';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField } from '../components/form';
import { SAMPLE_VALUES } from '../forms/sms';

const LANGUAGES = [
  ['en', 'English'],
  ['sw', 'Kiswahili'],
] as const;

const TITLES: Record<TemplateKey, string> = {
  payment_received: 'Payment received',
  expiry_reminder: 'Expiry reminder',
  suspended: 'Suspended',
  reconnected: 'Reconnected',
  hotspot_access_code: 'Hotspot access code',
  installation_scheduled: 'Installation scheduled',
  kyc_approved: 'Application approved',
  kyc_rejected: 'Application rejected',
  renewal: 'Renewal',
  welcome: 'Welcome (PPPoE credentials)',
  application_received: 'Application received',
  voucher: 'Voucher',
  invoice_issued: 'Invoice issued (postpaid)',
  invoice_overdue: 'Invoice overdue (late fee)',
};

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'settings:manage');
  const overrides = await smsTemplates.list(args.context.sql, me.tenant.id);
  const templates = TEMPLATE_KEYS.flatMap((key) =>
    LANGUAGES.map(([language]) => {
      const override = overrides.find((o) => o.key === key && o.language === language);
      return { key, language, body: override?.body ?? DEFAULT_TEMPLATES[key][language], custom: Boolean(override), variables: [...TEMPLATE_VARIABLES[key]] };
    }),
  );
  return json({ csrf: me.csrf, templates });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'settings:manage');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const key = String(form.get('key') ?? '');
  const language = String(form.get('language') ?? '');
  if (!isTemplateKey(key) || (language !== 'en' && language !== 'sw')) return json({ error: 'Unknown template', key, language, body: '' }, { status: 400 });
  const body = String(form.get('body') ?? '').trim();
  const { sql } = args.context;
  if (form.get('intent') === 'reset') {
    await sql.begin(async (tx) => {
      const { before } = await smsTemplates.remove(tx, { tenantId: me.tenant.id, key, language });
      await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'sms_template.reset', entityType: 'sms_template', entityId: `${key}/${language}`, before, after: null });
    });
    return redirect('/dashboard/sms/templates');
  }
  // Save-time validation: a template that would break at send time is refused here, with the reason.
  const problems = body ? templateProblems(body, TEMPLATE_VARIABLES[key]) : ['Enter the message'];
  if (body.length > 918) problems.push('At most 918 characters (6 SMS)');
  if (problems.length) return json({ error: problems.join('; '), key, language, body }, { status: 400 });
  await sql.begin(async (tx) => {
    const { before } = await smsTemplates.upsert(tx, { tenantId: me.tenant.id, key, language, body });
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'sms_template.update', entityType: 'sms_template', entityId: `${key}/${language}`, before, after: body });
  });
  return redirect('/dashboard/sms/templates');
}

function preview(body: string, variables: string[]): { text: string; error?: string } {
  try {
    return { text: renderTemplate(body, SAMPLE_VALUES, variables) };
  } catch (err) {
    return { text: '', error: err instanceof Error ? err.message : String(err) };
  }
}

function TemplateEditor(props: { csrf: string; templateKey: TemplateKey; language: 'en' | 'sw'; body: string; custom: boolean; variables: string[]; error?: string }) {
  const [body, setBody] = useState(props.body);
  const shown = preview(body, props.variables);
  const size = smsSize(shown.text || body);
  const id = `${props.templateKey}-${props.language}`;
  return (
    <Form method="post" className="form template" id={id}>
      <CsrfField token={props.csrf} />
      <input type="hidden" name="key" value={props.templateKey} />
      <input type="hidden" name="language" value={props.language} />
      <label htmlFor={`${id}-body`}>
        {LANGUAGES.find(([l]) => l === props.language)?.[1]}
        {props.custom ? ' (customised)' : ' (default)'}
      </label>
      <textarea id={`${id}-body`} name="body" rows={3} maxLength={918} value={body} onChange={(e) => setBody(e.target.value)} aria-invalid={props.error || shown.error ? true : undefined} />
      <p className="hint">Preview: {shown.error ? <span className="error">{shown.error}</span> : shown.text}</p>
      <p className="hint">
        {size.units} characters · {size.segments} SMS · {size.encoding}
      </p>
      {props.error ? <p className="error" role="alert">{props.error}</p> : null}
      <button type="submit" name="intent" value="save">Save</button>
      {props.custom ? <button type="submit" name="intent" value="reset">Back to default</button> : null}
    </Form>
  );
}

export default function SmsTemplates() {
  const { csrf, templates } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  return (
    <>
      <h1>SMS templates</h1>
      <p>What customers receive for each event, in English and Kiswahili (chosen by the customer&apos;s language). Placeholders in double braces are filled per customer; any other placeholder is refused when you save.</p>
      {TEMPLATE_KEYS.map((key) => (
        <section key={key}>
          <h2>{TITLES[key]}</h2>
          <p className="hint">Placeholders: {TEMPLATE_VARIABLES[key].map((v) => `{{${v}}}`).join(' ')}</p>
          {templates
            .filter((t) => t.key === key)
            .map((t) => {
              const mine = failed && failed.key === key && failed.language === t.language;
              return (
                <TemplateEditor
                  key={`${key}-${t.language}-${mine ? 'failed' : 'ok'}`}
                  csrf={csrf}
                  templateKey={key}
                  language={t.language}
                  body={mine ? failed.body : t.body}
                  custom={t.custom}
                  variables={t.variables}
                  {...(mine ? { error: failed.error } : {})}
                />
              );
            })}
        </section>
      ))}
    </>
  );
}
