import { apiList, apiRequest } from './client';

type ItemOf<List, K extends keyof List> = List[K] extends readonly (infer Item)[] ? Item : never;

/**
 * The routes of one kind of record a case holds (`/api/cases/:id/<segment>`): its list (an
 * answer `{ [key]: items }`), adding one, and changing one (`PATCH …/<segment>/:recordId`).
 * The types are the server's schemas, so method, path and answer are paired once here.
 */
export function caseRecords<List, K extends keyof List, New, Change = never>(
  segment: string,
  key: K,
) {
  type Item = ItemOf<List, K>;
  const path = (caseId: string, recordId?: string) =>
    `/api/cases/${encodeURIComponent(caseId)}/${segment}` +
    (recordId === undefined ? '' : `/${encodeURIComponent(recordId)}`);
  return {
    list: (caseId: string): Promise<List[K]> => apiList<List, K>(path(caseId), key),
    add: (caseId: string, request: New): Promise<Item> =>
      apiRequest<Item>('POST', path(caseId), request),
    update: (caseId: string, recordId: string, request: Change): Promise<Item> =>
      apiRequest<Item>('PATCH', path(caseId, recordId), request),
  };
}
