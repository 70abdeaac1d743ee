import type { DocumentInfo } from '../../../db/queries/applications';

const KIND: Record<DocumentInfo['kind'], string> = { national_id: 'ID', kra_pin: 'KRA PIN', other: 'Document' };

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Links through the authorized download route; the bytes never ride along in loader data. */
export function DocumentLinks({ documents }: { documents: DocumentInfo[] }) {
  if (documents.length === 0) return <>None uploaded</>;
  return (
    <ul>
      {documents.map((d) => (
        <li key={d.id}>
          <a href={`/dashboard/documents/${d.id}`} download={d.filename}>
            {KIND[d.kind]}: {d.filename}
          </a>{' '}
          <small>({size(d.sizeBytes)})</small>
        </li>
      ))}
    </ul>
  );
}
