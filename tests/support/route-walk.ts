/**
 * A valid body for each state-changing case-work route with parameters, so that a walk over
 * the route table fails only on the ids it fills in. A walk adds the bodies that depend on its
 * own records (an upload, a chronicle entry, an erasure's case number).
 */
export const RECORD_ROUTE_BODIES: [RegExp, object][] = [
  [/\/notes\/:noteId\/amendments$/, { body: 'y' }],
  [/\/notes$/, { kind: 'other', body: 'y' }],
  [/^\/api\/cases\/:id$/, { summary: 'y' }],
  [/\/incidents\/:incidentId$/, {}],
  [/^\/api\/incidents\/:id$/, { affectedCount: 2 }],
  [/\/accompaniments$/, { kind: 'police_interview', takesPlaceOn: '2026-12-02', role: 'witness' }],
  [/\/accompaniments\/:recordId$/, { outcome: 'y' }],
  [/\/follow-ups$/, { dueOn: '2026-12-24', body: 'y' }],
  [/\/follow-ups\/:recordId$/, { done: true }],
  [/\/compensation-claims$/, { status: 'filed' }],
  [/\/compensation-claims\/:recordId$/, { status: 'filed' }],
  [
    /\/referrals$/,
    {
      target: 'lawyer',
      referredOn: '2026-11-02',
      consentForm: 'verbal',
      consentOn: '2026-11-01',
    },
  ],
  [/\/exit-phases$/, { phase: 'distancing' }],
  [/\/risk-assessments$/, { level: 'low' }],
  [/\/decision$/, { decision: 'confirmed' }],
  [/^\/api\/appointments\/:id$/, { status: 'cancelled' }],
  [/\/legal-hold$/, { reason: 'y' }],
  [/\/legal-hold\/lift$/, {}],
  [/\/chronicle\/:id\/approval$/, { seenUpdatedAt: '2026-12-01T10:00:00.000Z' }],
  [/\/chronicle\/:id\/withdrawal$/, {}],
];
