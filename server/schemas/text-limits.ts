/**
 * Lengths of the long free texts, shared by the schemas and the web's forms (counters and
 * `maxlength`), so that the two cannot drift. A plain module: the web bundles it as it is.
 */
export const TEXT_LIMITS = {
  note: 20_000,
  appointmentLocation: 500,
  appointmentNote: 2_000,
  followUp: 2_000,
} as const;
