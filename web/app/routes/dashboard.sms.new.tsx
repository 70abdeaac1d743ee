import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useFetcher, useLoaderData } from '@remix-run/react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { audit } from '../../../db/queries/audit';
import { smsCampaigns, smsQueries } from '../../../db/queries/sms';
import type { AudienceCount } from '../../../db/queries/sms-audience';
import { toNairobiLocal } from '../../../domain/nairobi-time';
import { smsSize } from '../../../domain/sms';
import { CORE_TASK_QUEUE } from '../../../temporal/task-queues';
import type { smsCampaign } from '../../../workflows/sms-campaign';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField, Field, SelectField } from '../components/form';
import { STATUS_LABELS } from '../components/labels';
import { AUDIENCE_STATUSES, campaignSchema, campaignWorkflowId } from '../forms/sms';
import { parseForm } from '../forms/parse.server';
import { audienceOptions, countAudience, readAudience } from '../sms/audience.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const options = await audienceOptions(args.context.sql, me);
  return json({ csrf: me.csrf, options, earliest: toNairobiLocal(new Date()) });
}

type ActionResult = { errors: Record<string, string>; values: Record<string, string>; statuses: string[]; preview?: AudienceCount };

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const { sql, temporal } = args.context;
  const values = Object.fromEntries([...form].filter(([k, v]) => k !== '_csrf' && k !== 'statuses' && typeof v === 'string')) as Record<string, string>;
  const statuses = form.getAll('statuses').map(String);
  const audience = await readAudience(sql, me, form);
  // "Preview audience" (the no-JS path) counts without needing a name or message yet.
  if (form.get('intent') === 'preview') {
    if (!audience.ok) return json<ActionResult>({ errors: audience.errors, values, statuses }, { status: 400 });
    return json<ActionResult>({ errors: {}, values, statuses, preview: await countAudience(sql, me, audience.audience) });
  }
  const parsed = parseForm(form, campaignSchema);
  if (!parsed.ok || !audience.ok) {
    const errors = { ...(parsed.ok ? {} : parsed.errors), ...(audience.ok ? {} : audience.errors) };
    return json<ActionResult>({ errors, values, statuses }, { status: 400 });
  }
  const { startAt, ...fields } = parsed.data;
  const { statuses: audienceStatuses, ...filters } = audience.audience;
  const campaign = await sql.begin(async (tx) => {
    const created = await smsCampaigns.create(tx, { tenantId: me.tenant.id, ...fields, audienceStatuses, audience: filters, scheduledAt: startAt, createdBy: me.staff.id });
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'sms_campaign.start', entityType: 'sms_campaign', entityId: created.id, after: created });
    return created;
  });
  // A ticked "quiet hours" box (the default in the form) keeps the campaign silent in the tenant's quiet window.
  const quietHours = form.get('quietHours') === 'on' ? await smsQueries.quietHours(sql, me.tenant.id) : null;
  try {
    await temporal.workflow.start<typeof smsCampaign>('smsCampaign', {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: campaignWorkflowId(me.tenant.id, campaign.id),
      args: [
        {
          tenantId: me.tenant.id,
          campaignId: campaign.id,
          body: campaign.body,
          language: campaign.language,
          statuses: audienceStatuses,
          audience: audience.audience,
          startAt: startAt?.toISOString() ?? null,
          quietHours,
        },
      ],
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

type Option = { value: string; label: string };

function AudiencePreview({ count, stale }: { count?: AudienceCount; stale?: boolean }) {
  if (!count) return <p id="audience-count" className="hint" aria-live="polite">Press Preview audience to count who this reaches.</p>;
  return (
    <p id="audience-count" className="hint" aria-live="polite" data-recipients={count.recipients} style={stale ? { opacity: 0.6 } : undefined}>
      {count.recipients} {count.recipients === 1 ? 'customer' : 'customers'} will get this message
      {count.optedOut ? ` (${count.matching} match; ${count.optedOut} opted out of marketing)` : ''}
    </p>
  );
}

export default function NewCampaign() {
  const { csrf, options, earliest } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const values = result?.values ?? {};
  const errors = result?.errors;
  const live = useFetcher<{ ok: boolean; count?: AudienceCount }>();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // With JS the count follows the filters as they change; the button stays for the no-JS path.
  const { load } = live;
  const recount = useRef(() => {
    if (!formRef.current) return;
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(formRef.current)) if (AUDIENCE_FIELDS.includes(k) && typeof v === 'string' && v !== '') params.append(k, v);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => load(`/dashboard/sms/audience?${params}`), 250);
  });
  useEffect(() => recount.current(), []);
  const refresh = (e: FormEvent<HTMLFormElement>) => {
    if (AUDIENCE_FIELDS.includes((e.target as HTMLInputElement).name)) recount.current();
  };
  const count = live.data ? (live.data.ok ? live.data.count : undefined) : result?.preview;
  const select = (name: string, label: string, opts: Option[]) =>
    opts.length ? <SelectField name={name} label={label} options={opts} errors={errors} defaultValue={values[name] ?? ''} /> : null;
  return (
    <>
      <h1>New SMS campaign</h1>
      <Form method="post" className="form" ref={formRef} onChange={refresh}>
        <CsrfField token={csrf} />
        <Field name="name" label="Campaign name" required errors={errors} defaultValue={values.name ?? ''} />
        <fieldset className={`field${errors?.statuses ? ' field-invalid' : ''}`}>
          <legend>Send to customers who are</legend>
          {AUDIENCE_STATUSES.map((s) => (
            <label key={s} className="field-checkbox">
              <input type="checkbox" name="statuses" value={s} defaultChecked={result ? result.statuses.includes(s) : s === 'active'} /> {STATUS_LABELS[s]}
            </label>
          ))}
          {errors?.statuses ? <p className="error" role="alert">{errors.statuses}</p> : null}
        </fieldset>
        <fieldset className="field">
          <legend>Only those with a subscription (leave blank for everyone)</legend>
          {select('packageId', 'On package', options.packages)}
          {select('routerId', 'On router', options.routers)}
          {select('site', 'At site', options.sites)}
          <Field name="expiringWithinDays" label="Expiring within (days)" inputMode="numeric" errors={errors} defaultValue={values.expiringWithinDays ?? ''} />
        </fieldset>
        {select('resellerId', "Reseller's customers only", options.resellers)}
        <AudiencePreview count={count} stale={live.state === 'loading'} />
        <p>
          <button type="submit" name="intent" value="preview" formNoValidate>
            Preview audience
          </button>
        </p>
        <SelectField name="language" label="Language" required options={[{ value: 'en', label: 'English' }, { value: 'sw', label: 'Kiswahili' }]} errors={errors} defaultValue={values.language ?? 'en'} />
        <MessageField errors={errors} defaultValue={values.body} />
        <div className={`field${errors?.startAt ? ' field-invalid' : ''}`}>
          <label htmlFor="startAt">Start at (Nairobi time; blank starts now)</label>
          <input id="startAt" name="startAt" type="datetime-local" min={earliest} defaultValue={values.startAt ?? ''} aria-invalid={errors?.startAt ? true : undefined} />
          {errors?.startAt ? <p className="error" role="alert">{errors.startAt}</p> : null}
        </div>
        <label className="field-checkbox">
          <input type="checkbox" name="quietHours" defaultChecked={result ? values.quietHours === 'on' : true} /> Pause during quiet hours (default 21:00–07:00
          Nairobi); customers who opted out of marketing are skipped
        </label>
        <p>
          <button type="submit" name="intent" value="start">
            Start campaign
          </button>
        </p>
      </Form>
    </>
  );
}

const AUDIENCE_FIELDS = ['statuses', 'packageId', 'routerId', 'site', 'expiringWithinDays', 'resellerId'];
