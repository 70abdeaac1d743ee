import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { testRouterConnection, type ConnectionTestResult } from '../../../activities/mikrotik/connection-test';
import { encryptSecret } from '../../../db/encryption';
import { audit } from '../../../db/queries/audit';
import { routers } from '../../../db/queries/routers';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { RouterForm } from '../components/router-form';
import { routerEditSchema } from '../forms/router';
import { invalid, parseForm } from '../forms/parse.server';

async function load(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'routers:write');
  const router = await routers.get(args.context.sql, me.tenant.id, args.params.id ?? '');
  if (!router) throw new Response('No such router', { status: 404 });
  return { me, router };
}

export async function loader(args: LoaderFunctionArgs) {
  const { me, router } = await load(args);
  return json({ csrf: me.csrf, router });
}

export async function action(args: ActionFunctionArgs) {
  const { me, router } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  if (form.get('intent') === 'test-connection') {
    // Dials the router with the stored (decrypted) password and records online/offline.
    const test: ConnectionTestResult = await testRouterConnection(args.context.sql, args.context.encryptionKey, me.tenant.id, router.id);
    return json({ test });
  }
  const parsed = parseForm(form, routerEditSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql, encryptionKey } = args.context;
  const { password, ...fields } = parsed.data;
  if (await routers.nameTaken(sql, me.tenant.id, fields.name, router.id)) {
    const typed = Object.fromEntries([...form].filter(([k, v]) => typeof v === 'string' && k !== '_csrf' && k !== 'password')) as Record<string, string>;
    return invalid({ errors: { name: 'A router with this name already exists' }, values: typed });
  }
  await sql.begin(async (tx) => {
    const updated = await routers.update(tx, me.tenant.id, router.id, { ...fields, passwordEnc: password ? encryptSecret(password, encryptionKey) : undefined });
    // Only whether the password changed is logged, never the secret or its ciphertext.
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'router.update', entityType: 'router', entityId: router.id, before: router, after: { ...updated, passwordChanged: Boolean(password) } });
  });
  return redirect('/dashboard/routers');
}

export default function EditRouter() {
  const { csrf, router } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const form = result && 'errors' in result ? result : undefined;
  const test = result && 'test' in result ? result.test : undefined;
  const navigation = useNavigation();
  const testing = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'test-connection';
  return (
    <>
      <h1>Edit {router.name}</h1>
      <Form method="post" className="stack" aria-label="Test connection">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="intent" value="test-connection" />
        <div>
          <button type="submit" disabled={testing} aria-busy={testing}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
        </div>
        {test ? <ConnectionTest test={test} /> : null}
      </Form>
      <RouterForm csrf={csrf} router={router} errors={form?.errors} values={form?.values} submitLabel="Save changes" />
    </>
  );
}

function ConnectionTest({ test }: { test: ConnectionTestResult }) {
  if (!test.ok) {
    return (
      <div className="notice notice-bad" role="alert" data-testid="connection-test">
        <strong>{test.headline}.</strong> {test.detail}
      </div>
    );
  }
  const h = test.health;
  const memory = h.totalMemoryBytes && h.freeMemoryBytes !== null ? `${Math.round(((h.totalMemoryBytes - h.freeMemoryBytes) / h.totalMemoryBytes) * 100)}% of ${Math.round(h.totalMemoryBytes / 1048576)} MiB used` : 'unknown';
  return (
    <div className="notice notice-ok" role="status" data-testid="connection-test">
      <strong>Connected to {h.identity}</strong> in {test.elapsedMs} ms
      <dl>
        <dt>RouterOS</dt>
        <dd>{h.version ?? 'unknown'}</dd>
        <dt>Board</dt>
        <dd>{h.boardName ?? 'unknown'}</dd>
        <dt>Uptime</dt>
        <dd>{h.uptime ?? 'unknown'}</dd>
        <dt>CPU load</dt>
        <dd>{h.cpuLoadPercent === null ? 'unknown' : `${h.cpuLoadPercent}%`}</dd>
        <dt>Memory</dt>
        <dd>{memory}</dd>
      </dl>
    </div>
  );
}
