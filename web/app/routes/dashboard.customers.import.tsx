import {
  json,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type UploadHandler,
} from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { customerImports } from '../../../db/queries/customer-imports';
import { isUuid } from '../../../db/queries/customers';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { ImportPreview, UploadForm } from '../components/customer-import';
import { ImportFileError, importStaged, MAX_UPLOAD_BYTES, stageCustomerFile } from '../customers/import.server';

const PAGE = '/dashboard/customers/import';
const DRAIN_LIMIT = 64 * 1024 * 1024;
const TOO_BIG = `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Split it into smaller files and import them one after another.`;

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:import');
  const id = new URL(args.request.url).searchParams.get('id');
  if (!id) return json({ csrf: me.csrf, staged: null });
  const staged = isUuid(id) ? await customerImports.get(args.context.sql, me.tenant.id, me.staff.id, id) : undefined;
  if (!staged) throw new Response('No such import', { status: 404 });
  return json({ csrf: me.csrf, staged });
}

const fileProblem = (message: string) => json({ fileError: message }, { status: 400 });

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'customers:import');
  const form = await readForm(args.request);
  if (typeof form === 'string') return fileProblem(form);
  await requireCsrf(args, form);
  const who = { tenantId: me.tenant.id, staffId: me.staff.id };
  const intent = form.get('intent');
  const id = String(form.get('id') ?? '');

  if (intent === 'upload') {
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return fileProblem('Choose a .csv or .xlsx file to upload.');
    try {
      const staged = await stageCustomerFile(args.context.sql, who, file.name, new Uint8Array(await file.arrayBuffer()));
      return redirect(`${PAGE}?id=${staged.id}`);
    } catch (err) {
      if (err instanceof ImportFileError) return fileProblem(err.message);
      throw err;
    }
  }
  if (!isUuid(id)) throw new Response('No such import', { status: 404 });
  if (intent === 'import') {
    // A repeated confirm finds the import already done and lands on the same result page.
    await importStaged(args.context.sql, { ...who, resellerId: me.scope.resellerId ?? null, actor: me.actor }, id);
    return redirect(`${PAGE}?id=${id}`);
  }
  if (intent === 'discard') {
    await customerImports.discard(args.context.sql, me.tenant.id, me.staff.id, id);
    return redirect(PAGE);
  }
  throw new Response('Unknown action', { status: 400 });
}

/** The form, or why the upload was refused. Size is checked while streaming, so a huge file is never held whole. */
async function readForm(request: Request): Promise<FormData | string> {
  if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) return request.formData();
  const memory = unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES });
  let tooBig = false;
  let dropped = 0;
  const handler: UploadHandler = async (part) => {
    try {
      return await memory(part);
    } catch (err) {
      if (!(err instanceof MaxPartSizeExceededError)) throw err;
      tooBig = true;
      // A browser still sending its upload does not read our answer, so the rest is read and dropped.
      // Past DRAIN_LIMIT we stop reading and answer anyway: no one uploads that much by mistake.
      for await (const chunk of part.data) if ((dropped += chunk.byteLength) > DRAIN_LIMIT) throw err;
      return undefined;
    }
  };
  try {
    const form = await unstable_parseMultipartFormData(request, handler);
    return tooBig ? TOO_BIG : form;
  } catch (err) {
    if (err instanceof MaxPartSizeExceededError) return TOO_BIG;
    // Anything else here is a malformed or cut-off upload, not a fault of ours.
    return 'The upload could not be read. Choose the file and try again.';
  }
}

export default function ImportCustomers() {
  const { csrf, staged } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Import customers</h1>
      {staged ? <ImportPreview csrf={csrf} staged={staged} /> : <UploadForm csrf={csrf} error={result && 'fileError' in result ? result.fileError : undefined} />}
    </>
  );
}
