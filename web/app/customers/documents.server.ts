import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from '@remix-run/node';
import type { DocumentKind, DocumentType } from '../../../db/queries/applications';
import { DOCUMENT_FIELDS, DOCUMENT_LABELS, MAX_DOCUMENT_BYTES } from './documents';

const DRAIN_LIMIT = 64 * 1024 * 1024;

export interface CheckedDocument {
  kind: DocumentKind;
  filename: string;
  contentType: DocumentType;
  data: Uint8Array;
}

/**
 * Reads a (possibly multipart) form, never holding more than MAX_DOCUMENT_BYTES of one file. A file that
 * is too big is named in `tooBig` (its field) and left out of the form, so the action can answer with a 400.
 */
export async function readUploadForm(request: Request): Promise<{ form: FormData; tooBig: string[] } | { unreadable: string }> {
  if (!(request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) return { form: await request.formData(), tooBig: [] };
  const memory = unstable_createMemoryUploadHandler({ maxPartSize: MAX_DOCUMENT_BYTES });
  const tooBig: string[] = [];
  let dropped = 0;
  const handler: UploadHandler = async (part) => {
    try {
      return await memory(part);
    } catch (err) {
      if (!(err instanceof MaxPartSizeExceededError)) throw err;
      tooBig.push(part.name);
      // A browser still sending its upload does not read our answer, so the rest is read and dropped.
      for await (const chunk of part.data) if ((dropped += chunk.byteLength) > DRAIN_LIMIT) throw err;
      return undefined;
    }
  };
  try {
    return { form: await unstable_parseMultipartFormData(request, handler), tooBig };
  } catch {
    return { unreadable: 'The upload could not be read. Choose the files and try again.' };
  }
}

/** The type a file really is, from its first bytes: a renamed .exe is not a PDF. */
export function sniffDocumentType(bytes: Uint8Array): DocumentType | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  return undefined;
}

/** Keeps the name a person gave the file, minus any path and control characters, within the column's 200. */
function cleanFilename(name: string, type: DocumentType): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  const fallback = `document.${{ 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' }[type]}`;
  return (base || fallback).slice(-200);
}

/** The uploaded documents of a form, or one message per field that cannot be stored. Empty file inputs are skipped. */
export async function checkDocuments(form: FormData, tooBig: string[]): Promise<{ ok: true; documents: CheckedDocument[] } | { ok: false; errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  const documents: CheckedDocument[] = [];
  for (const [field, kind] of Object.entries(DOCUMENT_FIELDS)) {
    const label = DOCUMENT_LABELS[kind];
    if (tooBig.includes(field)) {
      errors[field] = `The ${label} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB. Take a smaller photo or scan and try again.`;
      continue;
    }
    const file = form.get(field);
    if (!(file instanceof File) || (file.size === 0 && !file.name)) continue;
    if (file.size === 0) {
      errors[field] = `The ${label} is an empty file.`;
      continue;
    }
    const data = new Uint8Array(await file.arrayBuffer());
    const contentType = sniffDocumentType(data);
    if (!contentType) {
      errors[field] = `The ${label} must be a JPEG or PNG photo or a PDF; "${file.name}" is none of these.`;
      continue;
    }
    documents.push({ kind, filename: cleanFilename(file.name, contentType), contentType, data });
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, documents };
}
