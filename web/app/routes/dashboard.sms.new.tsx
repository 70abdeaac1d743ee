import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { audit } from '../../../db/queries/audit';
import { smsCampaigns, smsQueries } from '../../../db/queries/sms';
import { smsSize } from '../../../domain/sms';
import { CORE_TASK_QUEUE } from '../../../temporal/task-queues';
import type { smsCampaign } from '../../../workflows/sms-campaign';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField, Field, SelectField } from '../components/form';
import { STATUS_LABELS } from '../components/labels';
import { AUDIENCE_STATUSES, campaignSchema, campaignWorkflowId, parseAudience } from '../forms/sms';
import { invalid, parseForm } from '../forms/parse.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  return json({ csrf: me.csrf });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, campaignSchema);
  const audience = parseAudience(form);
  if (!parsed.ok || !audience.ok) {
    const errors = { ...(parsed.ok ? {} : parsed.errors), ...(audience.ok ? {} : { statuses: audience.error }) };
    const values = Object.fromEntries([...form].filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
    return invalid({ errors, values });
  }
  const { sql, temporal } = args.context;
  const campaign = await sql.begin(async (tx) => {
    const created = await smsCampaigns.create(tx, { tenantId: me.tenant.id, ...parsed.data, audienceStatuses: audience.statuses, createdBy: me.staff.id });
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'sms_campaign.start', entityType: 'sms_campaign', entityId: created.id, after: created });
    return created;
  });
  // A ticked "quiet hours" box (the default in the form) keeps the campaign silent in the tenant's quiet window.
  const quietHours = form.get('quietHours') === 'on' ? await smsQueries.quietHours(sql, me.tenant.id) : null;
  try {
    await temporal.workflow.start<typeof smsCampaign>('smsCampaign', {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: campaignWorkflowId(me.tenant.id, campaign.id),
      args: [{ tenantId: me.tenant.id, campaignId: campaign.id, body: campaign.body, language: campaign.language, statuses: campaign.audienceStatuses, quietHours }],
    });
  } catch (err) {
    args.context.log.error({ err, campaignId: campaign.id }, 'sms campaign did not start');
    return redirect(`/dashboard/sms/${campaign.id}?notice=not-started`);
  }
  return redirect(`/dashboard/sms/${campaign.id}`);
}

function MessageField({ errors, defaultValue }: { errors?: Record<string, string>; defaultValue?: string }) {
  const [body, setBody] = useState(defaultValue ?? '');
  const size = smsSize(body);
  const error = errors?.body;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor="body">Message</label>
      <small id="body-hint">{'{{name}}'} is the customer&apos;s first name, {'{{account}}'} their account number.</small>
      <textarea id="body" name="body" rows={5} maxLength={918} required value={body} onChange={(e) => setBody(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby="body-hint body-count" />
      <p id="body-count" className="hint" aria-live="polite">
        {size.units} characters · {size.segments} SMS · {size.encoding}
        {size.encoding === 'UCS-2' ? ' (a character outside GSM-7 makes every segment 70 characters)' : ''}
      </p>
      {error ? <p id="body-error" className="error" role="alert">{error}</p> : null}
    </div>
  );
}

export default function NewCampaign() {
  const { csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values = result?.values ?? {};
  return (
    <>
      <h1>New SMS campaign</h1>
      <Form method="post" className="form">
        <CsrfField token={csrf} />
        <Field name="name" label="Campaign name" required errors={result?.errors} defaultValue={values.name ?? ''} />
        <fieldset className={`field${result?.errors?.statuses ? ' field-invalid' : ''}`}>
          <legend>Send to customers who are</legend>
          {AUDIENCE_STATUSES.map((s) => (
            <label key={s} className="checkbox">
              <input type="checkbox" name="statuses" value={s} defaultChecked={s === 'active'} /> {STATUS_LABELS[s]}
            </label>
          ))}
          {result?.errors?.statuses ? <p className="error" role="alert">{result.errors.statuses}</p> : null}
        </fieldset>
        <SelectField name="language" label="Language" required options={[{ value: 'en', label: 'English' }, { value: 'sw', label: 'Kiswahili' }]} errors={result?.errors} defaultValue={values.language ?? 'en'} />
        <MessageField errors={result?.errors} defaultValue={values.body} />
        <label className="checkbox">
          <input type="checkbox" name="quietHours" defaultChecked={result ? values.quietHours === 'on' : true} /> Pause during quiet hours (default 21:00–07:00
          Nairobi); customers who opted out of marketing are skipped
        </label>
        <button type="submit">Start campaign</button>
      </Form>
    </>
  );
}
