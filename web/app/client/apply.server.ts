import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { applications } from '../../../db/queries/applications';
import { audit } from '../../../db/queries/audit';
import { customers } from '../../../db/queries/customers';
import { packages } from '../../../db/queries/packages';
import { portal } from '../../../db/queries/portal';
import { tenants, type Tenant } from '../../../db/queries/tenants';
import { formatKes } from '../../../domain/money';
import { hashPassword } from '../auth/password.server';
import { checkDocuments, readUploadForm } from '../customers/documents.server';
import { customerSchema } from '../forms/customer';
import { parseForm } from '../forms/parse.server';
import { startLifecycle } from '../lifecycle/workflow.server';
import { t, type Lang, type MessageKey } from './i18n';
import { requireClientCsrf, signInCookie, visitorLang } from './session.server';

/** The ISP applied to: `?isp=<slug>`, or the only active one when the platform hosts just one. */
async function chosenTenant(args: LoaderFunctionArgs): Promise<{ tenant?: Tenant; choices: { slug: string; name: string }[] }> {
  const slug = new URL(args.request.url).searchParams.get('isp');
  if (slug) {
    const tenant = await tenants.bySlug(args.context.sql, slug);
    if (!tenant || tenant.status !== 'active') throw new Response('Not found', { status: 404 });
    return { tenant, choices: [] };
  }
  const active = (await tenants.list(args.context.sql)).filter((x) => x.status === 'active');
  if (active.length === 1) return { tenant: active[0]!, choices: [] };
  return { choices: active.map((x) => ({ slug: x.slug, name: x.name })) };
}

export async function applyPage(args: LoaderFunctionArgs) {
  const { tenant, choices } = await chosenTenant(args);
  const offered = tenant ? await packages.list(args.context.sql, tenant.id, { kind: 'pppoe', activeOnly: true }) : [];
  return json({
    isp: tenant ? { slug: tenant.slug, name: tenant.name } : null,
    choices,
    packages: offered.map((p) => ({ id: p.id, label: `${p.name} · ${Math.round(p.downloadKbps / 1000)} Mbps · ${formatKes(p.priceCents)}` })),
  });
}

/**
 * An online application: the same checks and records as the back office's new-customer form (documents by
 * their first bytes, at most 5 MB), plus the applicant's portal password; then their lifecycle starts at
 * KYC review and they land, signed in, on the page that follows it.
 */
export async function applyAction(args: ActionFunctionArgs) {
  const { tenant } = await chosenTenant(args);
  if (!tenant) throw new Response('Choose an ISP first', { status: 400 });
  const lang = await visitorLang(args);
  const read = await readUploadForm(args.request);
  if ('unreadable' in read) return json({ errors: { _form: read.unreadable }, values: {} as Record<string, string> }, { status: 400 });
  const { form, tooBig } = read;
  await requireClientCsrf(args, form);
  form.set('status', 'kyc_review');
  form.set('language', lang);
  form.delete('notes');
  const parsed = parseForm(form, customerSchema);
  const docs = await checkDocuments(form, tooBig);
  const packageId = String(form.get('packageId') ?? '');
  const password = String(form.get('password') ?? '');
  const offered = await packages.list(args.context.sql, tenant.id, { kind: 'pppoe', activeOnly: true });
  const errors: Record<string, string> = { ...(parsed.ok ? {} : localized(parsed.errors, lang)), ...(docs.ok ? {} : docs.errors) };
  if (!offered.some((p) => p.id === packageId)) errors.packageId = t(lang, 'apply.needPackage');
  if (password.length < 10 || password.length > 200) errors.password = t(lang, 'password.short');
  if (parsed.ok && !parsed.data.nationalId) errors.nationalId = t(lang, 'apply.nationalId');
  if (parsed.ok && (await portal.candidates(args.context.sql, { phone: parsed.data.phone, accountNumber: null })).some((c) => c.tenantId === tenant.id)) {
    errors.phone = t(lang, 'apply.exists');
  }
  const values = Object.fromEntries([...form].filter(([k, v]) => typeof v === 'string' && k !== '_csrf' && k !== 'password')) as Record<string, string>;
  if (!parsed.ok || !docs.ok || Object.keys(errors).length > 0) return json({ errors, values }, { status: 400 });

  const passwordHash = await hashPassword(password);
  const created = await args.context.sql.begin(async (tx) => {
    const customer = await customers.create(tx, tenant.id, { ...parsed.data, status: 'kyc_review', notes: 'Applied on the client portal' });
    await applications.setRequestedPackage(tx, tenant.id, customer.id, packageId);
    const stored = [];
    for (const d of docs.documents) {
      const id = await applications.addDocument(tx, { ...d, tenantId: tenant.id, customerId: customer.id, uploadedBy: null });
      stored.push({ id, kind: d.kind, filename: d.filename, contentType: d.contentType, sizeBytes: d.data.byteLength });
    }
    const version = await portal.setPassword(tx, tenant.id, customer.id, passwordHash);
    await audit.record(tx, {
      tenantId: tenant.id, actor: { id: null, label: `applicant ${customer.accountNumber} (portal)`, ip: args.context.clientIp },
      action: 'customer.create', entityType: 'customer', entityId: customer.id, after: { ...customer, requestedPackageId: packageId, documents: stored, via: 'portal' },
    });
    return { customer, version };
  });
  await startLifecycle(args.context, {
    tenantId: tenant.id, tenantSlug: tenant.slug, customerId: created.customer.id, accountNumber: created.customer.accountNumber, phone: created.customer.phone, start: 'application',
  });
  const cookie = await signInCookie(args.context, { tenantId: tenant.id, customerId: created.customer.id, version: created.version });
  return redirect('/client', { headers: { 'Set-Cookie': cookie } });
}

const FIELD_LABELS: Record<string, MessageKey> = {
  firstName: 'apply.firstName', lastName: 'apply.lastName', phone: 'apply.phone', email: 'apply.email', nationalId: 'apply.nationalId',
  kraPin: 'apply.kraPin', address: 'apply.landmark', latitude: 'apply.latitude', longitude: 'apply.longitude',
};

/** The shared customer schema speaks English; a Swahili applicant reads which field to check in Swahili. */
function localized(errors: Record<string, string>, lang: Lang): Record<string, string> {
  if (lang === 'en') return errors;
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, FIELD_LABELS[field] ? t(lang, 'apply.check', { field: t(lang, FIELD_LABELS[field]) }) : message]));
}
