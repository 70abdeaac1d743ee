import type { DocumentKind } from '../../../db/queries/applications';

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** The upload fields of the application form and the document kind each one stores. */
export const DOCUMENT_FIELDS = { idDocument: 'national_id', kraDocument: 'kra_pin' } as const satisfies Record<string, DocumentKind>;
export const DOCUMENT_LABELS: Record<DocumentKind, string> = { national_id: 'ID document', kra_pin: 'KRA PIN certificate', other: 'Document' };
