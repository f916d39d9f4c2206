/**
 * Case work is for counsellors only: team leads, auditors and admins never see case records
 * (403). Every case-work route writes an access-log event.
 */
export const COUNSELLORS_ONLY = { access: ['counsellor'], audit: 'event' } as const;

/** Bodies without long texts (links, decisions, searches): a small limit. */
export const SMALL_BODY_LIMIT = 16 * 1024;
