import { fileTypeFromBuffer } from 'file-type';

/**
 * The types a document may have, decided from its first bytes (the file-type library's magic
 * numbers), never from its name or the browser's word. Anything else is refused: HTML, SVG,
 * scripts and programs most of all, whatever they are called.
 */
export const ACCEPTED_DOCUMENT_TYPES: ReadonlySet<string> = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/heif',
  'image/webp',
  'image/tiff',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
  'text/plain',
]);

// Markup a browser would render, found anywhere in a text sample.
const MARKUP = /<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|a\s)/i;
// Controls other than tab, line feed, form feed and carriage return: not a text a person wrote.
function hasControls(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (
      (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0c && unit !== 0x0d) ||
      unit === 0x7f
    ) {
      return true;
    }
  }
  return false;
}
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainText(sample: Uint8Array, complete: boolean): boolean {
  // A sample cut mid-character: drop the last incomplete sequence (at most 3 bytes).
  let end = sample.length;
  if (!complete) {
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1]! & 0xc0) === 0x80) back++;
    if (end - back - 1 >= 0 && sample[end - back - 1]! >= 0xc0) end = end - back - 1;
  }
  let text: string;
  try {
    text = utf8.decode(sample.subarray(0, end));
  } catch {
    return false;
  }
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return !hasControls(text) && !start.startsWith('<') && !MARKUP.test(text);
}

/**
 * The MIME type of a document from its first chunk (`complete`: the chunk is the whole file),
 * or null when it is none of the accepted types.
 */
export async function detectDocumentType(
  sample: Uint8Array,
  complete: boolean,
): Promise<string | null> {
  const found = await fileTypeFromBuffer(sample);
  if (found) return ACCEPTED_DOCUMENT_TYPES.has(found.mime) ? found.mime : null;
  return sample.length > 0 && isPlainText(sample, complete) ? 'text/plain' : null;
}
