import type { ErrorCode, ErrorReason } from '$schemas/error-codes.schema';
import type { ErrorBody } from './types';

/** Codes the client sets itself when no usable answer came back from the server. */
export const NETWORK_ERROR = 'network';
export const UNAVAILABLE_ERROR = 'unavailable';

/** Refusals caused by the state of the session rather than by the request itself. */
export type SessionProblem =
  'unauthenticated' | 'totp_enrollment_required' | 'password_change_required' | 'screen_locked';
const SESSION_PROBLEMS: ReadonlySet<string> = new Set<SessionProblem>([
  'unauthenticated',
  'totp_enrollment_required',
  'password_change_required',
  'screen_locked',
]);

// A hanging request should end in a clear message, not an endless "please wait".
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A refused request. `code` and `reason` (with `params`) are what the UI translates; `message`
 * is the server's English text for operators and is never shown.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ErrorCode | typeof NETWORK_ERROR | typeof UNAVAILABLE_ERROR | (string & {});
  readonly reason: ErrorReason | undefined;
  readonly params: NonNullable<ErrorBody['params']>;

  constructor(
    status: number,
    code: string,
    message: string,
    detail: Pick<ErrorBody, 'reason' | 'params'> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = detail.reason as ErrorReason | undefined;
    this.params = detail.params ?? {};
  }
}

export interface ClientHooks {
  /** The server accepted a request, so its idle clock for this session started over. */
  onContact?: () => void;
  onSessionProblem?: (problem: SessionProblem) => void;
}

let hooks: ClientHooks = {};
// Kept in memory only: a token in storage would outlive the session and be readable by any
// script that ever ran on this origin.
let csrfToken: string | null = null;

export function setClientHooks(next: ClientHooks): void {
  hooks = next;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls a same-origin JSON route and returns its parsed body, or throws an ApiError. */
export async function apiRequest<T>(
  method: Method,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const response = await send(method, path, body, 'application/json', extraHeaders);
  if (!response.ok) throw await refusal(response);
  const payload = await readJson(response);
  if (payload === INVALID_JSON) throw unusableAnswer(response);
  hooks.onContact?.();
  return payload as T;
}

/** A GET whose answer wraps a list (`{ users: [...] }`, maybe with paging): the list. */
export async function apiList<Answer, K extends keyof Answer = keyof Answer>(
  path: string,
  key: K,
): Promise<Answer[K]> {
  return (await apiRequest<Answer>('GET', path))[key];
}

export interface DownloadedFile {
  blob: Blob;
  /** The name the server suggests (content-disposition), if any. */
  filename: string | null;
}

/** Fetches a same-origin file (GET), refused exactly like apiRequest refuses. */
export async function apiDownload(path: string): Promise<DownloadedFile> {
  const response = await send('GET', path, undefined, '*/*');
  if (!response.ok) throw await refusal(response);
  let blob: Blob;
  try {
    blob = await response.blob();
  } catch {
    throw new ApiError(0, NETWORK_ERROR, 'The server could not be reached.');
  }
  hooks.onContact?.();
  const disposition = response.headers.get('content-disposition') ?? '';
  return { blob, filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? null };
}

/**
 * Sends a form (a file upload) with the progress of the bytes sent, through XMLHttpRequest:
 * fetch reports no upload progress. Refused exactly like apiRequest refuses.
 */
export function apiUpload<T>(
  path: string,
  form: FormData,
  onProgress: (sent: number, total: number) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    const reason = accessReasonFor(path, undefined);
    if (reason) request.setRequestHeader('x-access-reason', encodeURIComponent(reason));
    if (csrfToken !== null) request.setRequestHeader('x-csrf-token', csrfToken);
    request.setRequestHeader('accept', 'application/json');
    request.upload.onprogress = (event) => onProgress(event.loaded, event.total);
    request.onerror = () =>
      reject(new ApiError(0, NETWORK_ERROR, 'The server could not be reached.'));
    request.onload = () => {
      const response = new Response(request.responseText, { status: request.status });
      if (request.status >= 200 && request.status < 300) {
        hooks.onContact?.();
        resolve(JSON.parse(request.responseText) as T);
      } else {
        void refusal(response).then(reject);
      }
    };
    request.send(form);
  });
}

// The reasons a colleague gave for opening cases not assigned to them, for this page view
// only (never stored): every request about such a case carries its reason, as the server
// asks for one on each (403 access_reason_required otherwise).
const accessReasons = new Map<string, string>();

/** Remembers why the user opened this case, for the following requests about it. */
export function rememberAccessReason(caseId: string, reason: string): void {
  accessReasons.set(caseId, reason);
}

// Incidents and appointments belong to their case: their own paths carry the case's reason.
const recordCases = new Map<string, string>();

/** Remembers which case these incidents or appointments (shown on its page) belong to. */
export function rememberCaseRecords(caseId: string, recordIds: readonly string[]): void {
  for (const id of recordIds) recordCases.set(id, caseId);
}

/** Forgets every given reason (sign-out, screen lock). */
export function forgetAccessReasons(): void {
  accessReasons.clear();
  recordCases.clear();
}

function accessReasonFor(path: string, body: unknown): string | undefined {
  const record = /^\/api\/(?:incidents|appointments)\/([0-9a-f-]{36})(?:[/?]|$)/.exec(path)?.[1];
  const inPath =
    /^\/api\/cases\/([0-9a-f-]{36})(?:[/?]|$)/.exec(path)?.[1] ??
    (record === undefined ? undefined : recordCases.get(record));
  const inBody =
    body && typeof body === 'object' && 'caseId' in body && typeof body.caseId === 'string'
      ? body.caseId
      : undefined;
  const caseId = inPath ?? inBody;
  return caseId === undefined ? undefined : accessReasons.get(caseId);
}

async function send(
  method: Method,
  path: string,
  body: unknown,
  accept = 'application/json',
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const reason = accessReasonFor(path, body);
  const headers: Record<string, string> = {
    ...(reason ? { 'x-access-reason': encodeURIComponent(reason) } : {}),
    ...extraHeaders,
    accept,
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;

  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      // Answers carry case data; they must not be kept in the browser's HTTP cache.
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, 'The server could not be reached.');
  }
}

/** The error a refused request throws; session problems also go to the session's hook. */
async function refusal(response: Response): Promise<ApiError> {
  const payload = await readJson(response);
  // A proxy error page or a static server without the API: nothing from our server.
  if (payload === INVALID_JSON) return unusableAnswer(response);
  const error = toApiError(response.status, payload);
  if (SESSION_PROBLEMS.has(error.code)) hooks.onSessionProblem?.(error.code as SessionProblem);
  return error;
}

function unusableAnswer(response: Response): ApiError {
  return new ApiError(response.status, UNAVAILABLE_ERROR, 'The server gave no usable answer.');
}

const INVALID_JSON = Symbol('invalid JSON');

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => null);
  if (text === null) return INVALID_JSON;
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

function toApiError(status: number, payload: unknown): ApiError {
  if (isErrorBody(payload)) {
    return new ApiError(status, payload.error, payload.message, payload);
  }
  return new ApiError(status, UNAVAILABLE_ERROR, `The server answered ${status}.`);
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { error, message } = value as Record<string, unknown>;
  return typeof error === 'string' && typeof message === 'string';
}
