import type { CaseChangeRequest, CaseDetails, NewCaseRequest } from '$lib/api/cases';

/** The person part of the new-case form, as the controls give it. */
export interface PersonDraft {
  pseudonym: string;
  name: string;
  phone: string;
  email: string;
  address: string;
  preferredLanguage: string;
  /** '' (not known), 'yes' or 'no'. */
  interpreterNeeded: string;
  safeContact: string;
}

export function emptyPerson(): PersonDraft {
  return {
    pseudonym: '',
    name: '',
    phone: '',
    email: '',
    address: '',
    preferredLanguage: '',
    interpreterNeeded: '',
    safeContact: '',
  };
}

const orNull = (text: string) => text.trim() || null;

/** The request for the form; in anonymous mode no name leaves the browser. */
export function newCaseRequest(
  person: PersonDraft,
  anonymous: boolean,
  summary: string,
): NewCaseRequest {
  return {
    person: {
      pseudonym: person.pseudonym.trim(),
      name: anonymous ? null : orNull(person.name),
      phone: orNull(person.phone),
      email: orNull(person.email),
      address: orNull(person.address),
      preferredLanguage: orNull(person.preferredLanguage),
      interpreterNeeded:
        person.interpreterNeeded === '' ? null : person.interpreterNeeded === 'yes',
      safeContact: orNull(person.safeContact),
    },
    anonymous,
    summary: orNull(summary),
  };
}

/** The draft for editing a recorded person. */
export function draftOf(person: CaseDetails['person']): PersonDraft {
  return {
    pseudonym: person.pseudonym,
    name: person.name ?? '',
    phone: person.phone ?? '',
    email: person.email ?? '',
    address: person.address ?? '',
    preferredLanguage: person.preferredLanguage ?? '',
    interpreterNeeded:
      person.interpreterNeeded === null ? '' : person.interpreterNeeded ? 'yes' : 'no',
    safeContact: person.safeContact ?? '',
  };
}

/** The change for an edited person: every field is sent, emptied ones as null (cleared). */
export function personChange(person: PersonDraft, anonymous: boolean): CaseChangeRequest {
  const { person: fields } = newCaseRequest(person, anonymous, '');
  return { person: fields, anonymous };
}
