import type {
  CaseIncident,
  Incident,
  IncidentChangeRequest,
  NewIncidentRequest,
} from '$lib/api/cases';

/** What the incident form holds while it is being filled in: text, as the controls give it. */
export interface IncidentDraft {
  occurredOn: string;
  offenceType: string;
  motives: string[];
  municipality: string;
  district: string;
  affectedCount: string;
  affectedMinors: string;
  reportedToPolice: string;
  source: string;
  description: string;
}

export function emptyIncident(): IncidentDraft {
  return {
    occurredOn: '',
    offenceType: '',
    motives: [],
    municipality: '',
    district: '',
    affectedCount: '1',
    affectedMinors: '0',
    reportedToPolice: '',
    source: '',
    description: '',
  };
}

/** A saved incident as a draft, to change it. */
export function draftOf(incident: Incident): IncidentDraft {
  return {
    occurredOn: incident.occurredOn.slice(0, 10),
    offenceType: incident.offenceType,
    motives: [...incident.motives],
    municipality: incident.municipality ?? '',
    district: incident.district,
    affectedCount: String(incident.affectedCount),
    affectedMinors: String(incident.affectedMinors),
    reportedToPolice: incident.reportedToPolice,
    source: incident.source,
    description: incident.description ?? '',
  };
}

const REQUIRED: readonly (keyof IncidentDraft)[] = [
  'occurredOn',
  'offenceType',
  'motives',
  'district',
  'affectedCount',
  'affectedMinors',
  'reportedToPolice',
  'source',
];

/** The fields left empty (as body paths, like the server's messages). */
export function missingIncidentFields(draft: IncidentDraft): string[] {
  return REQUIRED.filter((key) => draft[key].length === 0).map((key) => `/${key}`);
}

/**
 * The request for a filled-in draft. Counts that are not whole numbers are passed on as they
 * are typed (NaN becomes null in JSON), so that the server names the field in its answer.
 */
export function incidentRequest(draft: IncidentDraft, caseIds: string[]): NewIncidentRequest {
  return {
    occurredOn: draft.occurredOn,
    offenceType: draft.offenceType as CaseIncident['offenceType'],
    motives: draft.motives as CaseIncident['motives'],
    district: draft.district as CaseIncident['district'],
    affectedCount: Number(draft.affectedCount),
    affectedMinors: Number(draft.affectedMinors),
    reportedToPolice: draft.reportedToPolice as CaseIncident['reportedToPolice'],
    source: draft.source as CaseIncident['source'],
    municipality: draft.municipality.trim() || null,
    description: draft.description.trim() || null,
    caseIds,
  };
}

/** The change of a saved incident: every field as the draft holds it (no links to cases). */
export function incidentChange(draft: IncidentDraft): IncidentChangeRequest {
  const fields: IncidentChangeRequest & { caseIds?: string[] } = incidentRequest(draft, []);
  delete fields.caseIds;
  return fields;
}
