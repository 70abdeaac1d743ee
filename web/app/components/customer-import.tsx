import { Form, Link, useNavigation } from '@remix-run/react';
import type { CustomerImport } from '../../../db/queries/customer-imports';
import { formatKenyanPhone } from '../../../domain/phone';
import type { Wire } from './customer-detail';
import { CsrfField } from './form';
import { formatEat } from './labels';
import { EmptyState } from './pagination';

const customersLabel = (n: number | null) => `${n ?? 0} customer${n === 1 ? '' : 's'}`;

/** Which import step is running right now, if any: the page shows it while the server works. */
function useBusy(): 'upload' | 'import' | 'discard' | null {
  const navigation = useNavigation();
  if (navigation.state !== 'submitting') return null;
  const intent = navigation.formData?.get('intent');
  return intent === 'upload' || intent === 'import' || intent === 'discard' ? intent : null;
}

function Progress({ label }: { label: string }) {
  return (
    <p role="status">
      <progress aria-label={label} /> {label}
    </p>
  );
}

export function UploadForm({ csrf, error }: { csrf: string; error?: string }) {
  const busy = useBusy() === 'upload';
  return (
    <>
      <p>Upload a spreadsheet of customers. Nothing is saved until you have checked the preview and confirmed.</p>
      <Form method="post" encType="multipart/form-data" className="stack">
        <CsrfField token={csrf} />
        <input type="hidden" name="intent" value="upload" />
        {error ? (
          <div className="notice notice-bad" role="alert">
            {error}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="file">File (.csv or .xlsx, up to 5 MB)</label>
          <input id="file" name="file" type="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
        </div>
        <button type="submit" disabled={busy} aria-busy={busy}>
          Check file
        </button>
        {busy ? <Progress label="Reading and checking every row…" /> : null}
      </Form>
      <h2>Columns</h2>
      <p>
        The first row names the columns, written any way you like (<code>first_name</code> or <code>First name</code>). Required: first_name, last_name,
        phone. Optional: email, national_id, kra_pin, address, latitude, longitude, notes, language (en or sw), marketing_opt_out (yes or no). Phones may be written 0712 345 678, +254712345678 or 712345678.
        Imported customers start as Applied.
      </p>
    </>
  );
}

export function ImportPreview({ csrf, staged }: { csrf: string; staged: Wire<CustomerImport> }) {
  const busy = useBusy();
  const rejected = staged.errors.length;
  return (
    <>
      <p>
        <strong>{staged.filename}</strong>: {staged.totalRows} rows read, uploaded {formatEat(staged.createdAt)}.
      </p>
      {staged.status === 'imported' ? (
        <p className="notice notice-ok" role="status">
          Imported {customersLabel(staged.imported)} at {formatEat(staged.importedAt)}. <Link to="/dashboard/customers">See the customer list</Link>
        </p>
      ) : staged.status === 'discarded' ? (
        <p className="notice" role="status">
          This upload was discarded. <Link to="/dashboard/customers/import">Upload a file</Link>
        </p>
      ) : (
        <Confirm csrf={csrf} id={staged.id} validCount={staged.validCount} rejected={rejected} busy={busy} />
      )}
      {staged.status === 'pending' && staged.validCount > 0 ? (
        <>
          <h2>Ready to import ({staged.validCount})</h2>
          {staged.validCount > staged.preview.length ? <p>The first {staged.preview.length} are shown.</p> : null}
          <table className="table">
            <thead>
              <tr>
                <th className="num">Line</th>
                <th>Name</th>
                <th>Phone</th>
                <th>National ID</th>
                <th>Email</th>
                <th>Address</th>
              </tr>
            </thead>
            <tbody>
              {staged.preview.map(({ line, customer: c }) => (
                <tr key={line}>
                  <td className="num">{line}</td>
                  <td>
                    {c.firstName} {c.lastName}
                  </td>
                  <td>{formatKenyanPhone(c.phone)}</td>
                  <td>{c.nationalId ?? '—'}</td>
                  <td>{c.email ?? '—'}</td>
                  <td>{c.address ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {rejected > 0 ? (
        <>
          <h2>Will not be imported ({rejected})</h2>
          <p>Fix these rows in your file and upload just them again.</p>
          <table className="table" id="rejected">
            <thead>
              <tr>
                <th className="num">Line</th>
                <th>Row</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {staged.errors.map((e) => (
                <tr key={e.line}>
                  <td className="num">{e.line}</td>
                  <td>{e.label}</td>
                  <td>{e.reasons.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

function Confirm({ csrf, id, validCount, rejected, busy }: { csrf: string; id: string; validCount: number; rejected: number; busy: ReturnType<typeof useBusy> }) {
  if (validCount === 0) {
    return (
      <EmptyState title="Nothing to import">
        <p>None of the {rejected} rows can be imported. Fix them in your file and upload it again.</p>
        <Link to="/dashboard/customers/import">Upload a file</Link>
      </EmptyState>
    );
  }
  return (
    <div className="notice" role="status">
      <p>
        {validCount} ready to import{rejected > 0 ? `, ${rejected} will be left out (listed below)` : ''}.
      </p>
      <Form method="post">
        <CsrfField token={csrf} />
        <input type="hidden" name="id" value={id} />
        <button type="submit" name="intent" value="import" disabled={busy !== null} aria-busy={busy === 'import'}>
          Import {customersLabel(validCount)}
        </button>{' '}
        <button type="submit" name="intent" value="discard" className="secondary" disabled={busy !== null}>
          Discard
        </button>
      </Form>
      {busy === 'import' ? <Progress label={`Importing ${customersLabel(validCount)}…`} /> : null}
    </div>
  );
}
