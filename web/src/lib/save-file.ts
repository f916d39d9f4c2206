import type { DownloadedFile } from './api/client';

// Long enough for the browser to start saving the file from the object URL.
const URL_LIFETIME_MS = 60_000;

/** Hands a fetched file to the browser's download; answers the name it was saved under. */
export function saveFile(file: DownloadedFile, fallbackName: string): string {
  const filename = file.filename ?? fallbackName;
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), URL_LIFETIME_MS);
  return filename;
}
