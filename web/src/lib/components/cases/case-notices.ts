// A new case whose pseudonym another case of the service already has: the new-case page
// notes it, and the case page it goes on to shows the warning once.
const duplicates = new Set<string>();

export function noteDuplicate(caseId: string): void {
  duplicates.add(caseId);
}

/** Whether the case was just saved with a duplicate pseudonym (answers true only once). */
export function takeNotice(caseId: string): boolean {
  return duplicates.delete(caseId);
}
