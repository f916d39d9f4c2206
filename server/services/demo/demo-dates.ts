// Calendar arithmetic for the demo story, in German local time: days as `YYYY-MM-DD`,
// appointments as instants with the offset that applies in Berlin on that day.

const TIME_ZONE = 'Europe/Berlin';
const DAY_MS = 86_400_000;

/** `day` moved by `days` (negative: earlier). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Monday of the week `day` belongs to. */
export function mondayOf(day: string): string {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

const OFFSET = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  timeZoneName: 'longOffset',
});

/** The instant of a wall-clock time in Berlin, e.g. `2026-11-23T09:30:00+01:00`. */
export function berlinInstant(day: string, hour: number, minute = 0): string {
  const local = `${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
  // The offset at noon of that day: demo appointments lie between 8 and 18 o'clock, never in
  // the hour a clock change moves.
  const name = OFFSET.formatToParts(new Date(`${day}T12:00:00Z`)).find(
    (part) => part.type === 'timeZoneName',
  )?.value;
  const offset = name === 'GMT' || !name ? '+00:00' : name.replace('GMT', '');
  return `${local}${offset}`;
}
