import type {
  AccompanimentKind,
  AppointmentKind,
  ClaimStatus,
  District,
  ExitPhase,
  HelpPlanArea,
  IncidentMotive,
  IncidentSource,
  NoteKind,
  OffenceType,
  PoliceReport,
  PreventionSetting,
  ProceedingRole,
  ReferralTarget,
  RiskLevel,
  TrainingAudience,
  TrainingFormat,
} from '../../generated/prisma/enums.ts';

// The content of `casework demo seed`: fictional, German, plausible for the two services. Every
// person is invented, and every name says so ("Demo …", "(Demo)"). Places are real
// municipalities of Westphalia-Lippe, because incidents are counted by district; the events
// told about them are invented. Phone numbers are obviously not numbers, mail addresses use the
// reserved domain example.org (RFC 2606).

/** A small deterministic generator, so that every seeded installation holds the same story. */
export function demoRandom(seed = 0x5eed_2026) {
  let state = seed >>> 0;
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
    /** `count` different items, in the list's order. */
    some: <T>(items: readonly T[], count: number): T[] => {
      const chosen = new Set<number>();
      while (chosen.size < Math.min(count, items.length)) {
        chosen.add(Math.floor(next() * items.length));
      }
      return [...chosen].sort((a, b) => a - b).map((index) => items[index]!);
    },
  };
}
export type DemoRandom = ReturnType<typeof demoRandom>;

/** Demo accounts: one per role, two counsellors per service (the four-eyes rule needs two). */
export const DEMO_ACCOUNTS = [
  { username: 'demo-admin', role: 'admin', service: null },
  { username: 'demo-auditor', role: 'auditor', service: null },
  { username: 'demo-backup-lead', role: 'team_lead', service: 'backup' },
  { username: 'demo-comeback-lead', role: 'team_lead', service: 'comeback' },
  { username: 'demo-backup-1', role: 'counsellor', service: 'backup' },
  { username: 'demo-backup-2', role: 'counsellor', service: 'backup' },
  { username: 'demo-comeback-1', role: 'counsellor', service: 'comeback' },
  { username: 'demo-comeback-2', role: 'counsellor', service: 'comeback' },
] as const;
export type DemoAccountSpec = (typeof DEMO_ACCOUNTS)[number];

const BACKUP_WORDS = [
  'Amsel',
  'Birke',
  'Dohle',
  'Eiche',
  'Fink',
  'Ginster',
  'Habicht',
  'Ilex',
  'Kiebitz',
  'Lerche',
  'Mistel',
  'Nachtigall',
  'Pappel',
  'Reiher',
  'Schwalbe',
  'Tanne',
  'Ulme',
  'Wacholder',
  'Zeisig',
  'Ahorn',
  'Buche',
  'Eibe',
  'Erle',
  'Falke',
] as const;

const COMEBACK_WORDS = [
  'Kompass',
  'Leuchtturm',
  'Brücke',
  'Anker',
  'Pfad',
  'Horizont',
  'Laterne',
  'Weiche',
  'Kreuzung',
  'Wegweiser',
  'Fähre',
  'Furt',
  'Steg',
  'Pass',
  'Hafen',
  'Morgenrot',
] as const;

const FIRST_NAMES = [
  'Mira',
  'Jonas',
  'Aylin',
  'Tarek',
  'Lena',
  'Samuel',
  'Nour',
  'Kofi',
  'Elif',
  'Dawit',
  'Hanna',
  'Milan',
  'Yara',
  'Emil',
  'Sina',
  'Luka',
] as const;
const LAST_NAMES = [
  'Beispiel',
  'Musterfeld',
  'Probstein',
  'Erfunden',
  'Platzhalter',
  'Fiktiv',
  'Vorlage',
  'Modell',
] as const;

/** Invented names that say they are: "Mira Beispiel (Demo)". */
function demoRealName(random: DemoRandom): string {
  return `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)} (Demo)`;
}

/** Municipalities per district, for the incident's place (encrypted like every place). */
export const DISTRICT_PLACES: Record<Exclude<District, 'unknown'>, readonly string[]> = {
  bielefeld: ['Bielefeld-Mitte', 'Bielefeld-Sennestadt', 'Bielefeld-Brackwede'],
  bochum: ['Bochum-Wattenscheid', 'Bochum-Langendreer', 'Bochum-Mitte'],
  bottrop: ['Bottrop-Kirchhellen', 'Bottrop-Mitte'],
  dortmund: ['Dortmund-Dorstfeld', 'Dortmund-Nordstadt', 'Dortmund-Hörde', 'Dortmund-Huckarde'],
  gelsenkirchen: ['Gelsenkirchen-Buer', 'Gelsenkirchen-Ückendorf'],
  hagen: ['Hagen-Haspe', 'Hagen-Mitte'],
  hamm: ['Hamm-Heessen', 'Hamm-Mitte'],
  herne: ['Herne-Wanne', 'Herne-Mitte'],
  muenster: ['Münster-Kinderhaus', 'Münster-Hiltrup', 'Münster-Innenstadt'],
  kreis_borken: ['Bocholt', 'Gronau', 'Ahaus'],
  kreis_coesfeld: ['Dülmen', 'Coesfeld', 'Lüdinghausen'],
  kreis_recklinghausen: ['Marl', 'Recklinghausen', 'Castrop-Rauxel', 'Dorsten'],
  kreis_steinfurt: ['Rheine', 'Ibbenbüren', 'Greven'],
  kreis_warendorf: ['Ahlen', 'Beckum', 'Warendorf'],
  kreis_guetersloh: ['Gütersloh', 'Rheda-Wiedenbrück', 'Verl'],
  kreis_herford: ['Herford', 'Bünde', 'Löhne'],
  kreis_hoexter: ['Höxter', 'Brakel', 'Warburg'],
  kreis_lippe: ['Detmold', 'Lemgo', 'Bad Salzuflen'],
  kreis_minden_luebbecke: ['Minden', 'Bad Oeynhausen', 'Lübbecke'],
  kreis_paderborn: ['Paderborn', 'Delbrück', 'Büren'],
  ennepe_ruhr_kreis: ['Witten', 'Hattingen', 'Schwelm'],
  hochsauerlandkreis: ['Arnsberg', 'Meschede', 'Brilon'],
  maerkischer_kreis: ['Iserlohn', 'Lüdenscheid', 'Menden'],
  kreis_olpe: ['Olpe', 'Attendorn', 'Lennestadt'],
  kreis_siegen_wittgenstein: ['Siegen', 'Kreuztal', 'Bad Berleburg'],
  kreis_soest: ['Soest', 'Lippstadt', 'Werl'],
  kreis_unna: ['Unna', 'Lünen', 'Kamen', 'Schwerte'],
  outside_region: ['Essen', 'Duisburg', 'Osnabrück'],
};

// Big cities more often than rural districts, as in the published monitoring figures.
const WEIGHTED_DISTRICTS: readonly District[] = [
  ...(Object.keys(DISTRICT_PLACES) as District[]),
  'dortmund',
  'dortmund',
  'dortmund',
  'bielefeld',
  'bochum',
  'gelsenkirchen',
  'muenster',
  'kreis_recklinghausen',
  'kreis_unna',
  'hagen',
  'unknown',
];

const OFFENCES: readonly OffenceType[] = [
  'simple_bodily_harm',
  'simple_bodily_harm',
  'simple_bodily_harm',
  'coercion_threat',
  'coercion_threat',
  'coercion_threat',
  'grievous_bodily_harm',
  'grievous_bodily_harm',
  'property_damage',
  'property_damage',
  'arson',
  'attempted_homicide',
  'other',
];

const MOTIVES: readonly IncidentMotive[] = [
  'racism_anti_black',
  'racism_anti_muslim',
  'racism_against_refugees',
  'racism_against_refugees',
  'racism_antiziganism',
  'racism_anti_asian',
  'racism_anti_slavic',
  'antisemitism',
  'antisemitism',
  'anti_lgbtiq',
  'anti_lgbtiq',
  'political_opponents',
  'political_opponents',
  'social_darwinism',
  'non_right_alternative',
];

const SOURCES: readonly IncidentSource[] = [
  'affected_person',
  'affected_person',
  'partners',
  'press',
  'own_research',
  'witnesses',
  'police',
];

const POLICE: readonly PoliceReport[] = ['yes', 'yes', 'yes', 'no', 'unknown'];

export const INCIDENT_STORIES: Record<OffenceType, readonly string[]> = {
  homicide: ['Demo-Vorfall: erfundener Sachverhalt eines Tötungsdelikts, nur zur Vorführung.'],
  attempted_homicide: [
    'Demo-Vorfall: Nach einem Streit an einer Tankstelle versuchte ein Täter, die betroffene Person mit dem Auto anzufahren; zuvor fielen rassistische Beleidigungen.',
  ],
  grievous_bodily_harm: [
    'Demo-Vorfall: Eine Gruppe von drei Männern schlug nachts am Bahnhof auf die betroffene Person ein und rief dabei rechte Parolen. Krankenhausaufenthalt.',
    'Demo-Vorfall: Angriff mit einer Flasche vor einer Shisha-Bar, die Täter riefen „Ausländer raus“.',
  ],
  simple_bodily_harm: [
    'Demo-Vorfall: Die betroffene Person wurde an einer Bushaltestelle rassistisch beleidigt, angespuckt und gestoßen.',
    'Demo-Vorfall: Im Supermarkt riss ein Mann der betroffenen Frau das Kopftuch herunter und schlug ihr ins Gesicht.',
    'Demo-Vorfall: Nach einer CSD-Veranstaltung wurden zwei Personen auf dem Heimweg homofeindlich beleidigt und getreten.',
  ],
  coercion_threat: [
    'Demo-Vorfall: Drohbriefe mit NS-Symbolen im Briefkasten einer Familie, die in einem Willkommensbündnis aktiv ist.',
    'Demo-Vorfall: Ein Nachbar droht wiederholt, „das Haus anzuzünden“, und fotografiert die Kinder der Familie.',
    'Demo-Vorfall: Bedrohung eines Kommunalpolitikers am Infostand, die Täter kündigen an, ihn „zu besuchen“.',
  ],
  arson: [
    'Demo-Vorfall: Brandanschlag auf den Kellerverschlag eines Wohnhauses, in dem geflüchtete Familien leben; Hakenkreuz an der Tür.',
  ],
  property_damage: [
    'Demo-Vorfall: Die Scheiben eines Imbisses wurden eingeworfen, an der Wand antisemitische Schmierereien.',
    'Demo-Vorfall: Zerstochene Reifen und ein Drohgraffiti am Auto einer Journalistin.',
  ],
  other: ['Demo-Vorfall: Rassistische Hetzjagd auf eine Gruppe Jugendlicher im Stadtpark.'],
};

export interface DemoIncident {
  daysAgo: number;
  offenceType: OffenceType;
  motives: IncidentMotive[];
  district: District;
  municipality: string | null;
  affectedCount: number;
  affectedMinors: number;
  reportedToPolice: PoliceReport;
  source: IncidentSource;
  description: string;
}

export function demoIncident(random: DemoRandom, daysAgo: number): DemoIncident {
  const offenceType = random.pick(OFFENCES);
  const district = random.pick(WEIGHTED_DISTRICTS);
  const affectedCount = random.chance(0.75) ? 1 : random.int(2, 5);
  return {
    daysAgo,
    offenceType,
    motives: [
      ...new Set([random.pick(MOTIVES), ...(random.chance(0.25) ? [random.pick(MOTIVES)] : [])]),
    ],
    district,
    municipality: district === 'unknown' ? null : random.pick(DISTRICT_PLACES[district]),
    affectedCount,
    affectedMinors: random.chance(0.2) ? random.int(0, affectedCount) : 0,
    reportedToPolice: random.pick(POLICE),
    source: random.pick(SOURCES),
    description: random.pick(INCIDENT_STORIES[offenceType]),
  };
}

export interface DemoPerson {
  pseudonym: string;
  name: string | null;
  anonymous: boolean;
  dateOfBirth: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  preferredLanguage: string | null;
  interpreterNeeded: boolean | null;
  safeContact: string | null;
}

const LANGUAGES = ['Deutsch', 'Deutsch', 'Deutsch', 'Arabisch', 'Türkisch', 'Tigrinya', 'Romanes'];
const SAFE_CONTACTS = [
  'Nur telefonisch, werktags nach 17 Uhr.',
  'Nicht an die Wohnadresse schreiben; Kontakt über die Schwester (Demo).',
  'Bitte nur per Messenger, keine Anrufe.',
  'Über die Beratungsstelle, nie direkt zu Hause.',
];
const STREETS = ['Musterstraße', 'Beispielweg', 'Am Platzhalter', 'Demoallee', 'Fiktivgasse'];

/** A person with numbered pseudonym; about a third anonymous, the rest with invented data. */
export function demoPerson(
  random: DemoRandom,
  words: readonly string[],
  index: number,
  town: string,
  age: { today: string; atLeast: number },
): DemoPerson {
  const number = String(index + 1).padStart(2, '0');
  const pseudonym = `Demo ${words[index % words.length]} ${number}`;
  const anonymous = random.chance(0.3);
  const language = random.pick(LANGUAGES);
  const year = Number(age.today.slice(0, 4)) - age.atLeast - random.int(0, 30);
  const slug = pseudonym.toLowerCase().replace(/[^a-z0-9]+/g, '.');
  return {
    pseudonym,
    anonymous,
    name: anonymous ? null : demoRealName(random),
    dateOfBirth: anonymous
      ? null
      : `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
    phone: anonymous ? null : `0000 ${random.int(100, 999)} ${number} (Demo)`,
    email: anonymous || random.chance(0.5) ? null : `${slug}@example.org`,
    address: anonymous
      ? null
      : `${random.pick(STREETS)} ${random.int(1, 120)}, ${town} (Demo-Adresse)`,
    preferredLanguage: language,
    interpreterNeeded: language === 'Deutsch' ? false : random.chance(0.6),
    safeContact: random.chance(0.5) ? random.pick(SAFE_CONTACTS) : null,
  };
}

export const BACKUP_PSEUDONYM_WORDS = BACKUP_WORDS;
export const COMEBACK_PSEUDONYM_WORDS = COMEBACK_WORDS;

export const BACKUP_SUMMARIES = [
  'Demo-Fall: Betroffene Person nach einem rassistischen Angriff; wünscht Begleitung zur Zeugenvernehmung und Informationen zur Nebenklage.',
  'Demo-Fall: Familie nach wiederholten Bedrohungen durch einen Nachbarn; Sicherheitsberatung und Kontakt zum Vermieter.',
  'Demo-Fall: Junger Mann nach einem Angriff am Bahnhof; psychische Belastung, Vermittlung an eine Traumaambulanz angefragt.',
  'Demo-Fall: Kommunalpolitikerin nach Drohungen; Dokumentation der Vorfälle und Unterstützung bei der Anzeige.',
  'Demo-Fall: Ladeninhaber nach Sachbeschädigung und Schmierereien; Antrag auf Leistungen aus dem Opferfonds geprüft.',
  'Demo-Fall: Schülerin nach queerfeindlichem Angriff; Gespräch mit Eltern und Schule gewünscht.',
] as const;

export const COMEBACK_SUMMARIES = [
  'Demo-Fall: Mann Mitte zwanzig, seit Jahren in einer Kameradschaft aktiv, möchte aussteigen; Sorge vor Racheakten.',
  'Demo-Fall: Junge Frau aus dem Umfeld einer rechten Online-Gruppe, kam über die Mutter in Kontakt; Distanzierung begonnen.',
  'Demo-Fall: Haftentlassener aus dem Umfeld einer rechtsextremen Rockergruppe; Wohnungs- und Arbeitssuche im Hilfeplan.',
  'Demo-Fall: Jugendlicher nach Strafverfahren wegen Volksverhetzung, Kontakt über die Jugendgerichtshilfe.',
  'Demo-Fall: Ehemaliger Konzertveranstalter der Szene; Tattoo-Entfernung und Schuldenregulierung geplant.',
] as const;

export const BACKUP_NOTES: readonly { kind: NoteKind; body: string }[] = [
  {
    kind: 'counselling_session',
    body: 'Demo-Notiz: Erstgespräch in der Beratungsstelle. Die Person schildert den Angriff, wirkt sehr angespannt. Anliegen: Begleitung zur Polizei, Information über Rechte als Zeugin.',
  },
  {
    kind: 'phone_call',
    body: 'Demo-Notiz: Telefonat, die Person hat die Vorladung zur Zeugenvernehmung erhalten. Termin für Vorbereitung vereinbart.',
  },
  {
    kind: 'safety_measure',
    body: 'Demo-Notiz: Sicherheitsgespräch: Auskunftssperre beim Einwohnermeldeamt besprochen, Antrag wird vorbereitet.',
  },
  {
    kind: 'referral',
    body: 'Demo-Notiz: Mit Einverständnis an eine Opferschutzanwältin vermittelt, Erstberatungstermin steht.',
  },
  {
    kind: 'accompaniment',
    body: 'Demo-Notiz: Begleitung zur Vernehmung. Die Person konnte vollständig aussagen; Nachgespräch im Café.',
  },
  {
    kind: 'other',
    body: 'Demo-Notiz: Kurze Rückmeldung per Messenger, es gehe etwas besser; nächster Termin in zwei Wochen.',
  },
];

export const COMEBACK_NOTES: readonly { kind: NoteKind; body: string }[] = [
  {
    kind: 'counselling_session',
    body: 'Demo-Notiz: Erstgespräch an neutralem Ort. Motivation zum Ausstieg glaubhaft, Zweifel an der Ideologie seit etwa einem Jahr.',
  },
  {
    kind: 'phone_call',
    body: 'Demo-Notiz: Anruf, frühere Kameraden haben sich gemeldet und Druck gemacht. Verhaltensregeln besprochen.',
  },
  {
    kind: 'safety_measure',
    body: 'Demo-Notiz: Handynummer gewechselt, Social-Media-Konten gelöscht; Kontaktliste der Szene wird nicht mehr genutzt.',
  },
  {
    kind: 'counselling_session',
    body: 'Demo-Notiz: Biografiearbeit: Einstieg über Freundeskreis und Musik. Reflexion über Feindbilder begonnen.',
  },
  {
    kind: 'referral',
    body: 'Demo-Notiz: Vermittlung an die Schuldnerberatung mit schriftlicher Einwilligung.',
  },
];

/** A correction, appended as a new note: notes are never rewritten. */
export const NOTE_AMENDMENT =
  'Demo-Korrektur: Das Gespräch fand nicht in der Beratungsstelle, sondern telefonisch statt.';

export const COURTS = [
  'Amtsgericht Dortmund (Demo)',
  'Landgericht Bielefeld (Demo)',
  'Amtsgericht Gelsenkirchen (Demo)',
  'Landgericht Münster (Demo)',
  'Amtsgericht Hamm (Demo)',
] as const;

export const POLICE_STATIONS = [
  'Polizeipräsidium Dortmund, Staatsschutz (Demo)',
  'Polizeiwache Bielefeld-Mitte (Demo)',
  'Polizeipräsidium Recklinghausen (Demo)',
] as const;

export interface DemoAccompaniment {
  kind: AccompanimentKind;
  /** Negative: in the past; positive: still to come. */
  inDays: number;
  role: ProceedingRole;
  psychosocialSupport: boolean;
  court: string | null;
  courtFileNumber: string | null;
  outcome: string | null;
}

export function demoAccompaniments(random: DemoRandom, index: number): DemoAccompaniment[] {
  const year = 25 + (index % 2);
  const interview: DemoAccompaniment = {
    kind: 'police_interview',
    inDays: -random.int(20, 120),
    role: 'witness',
    psychosocialSupport: false,
    court: null,
    courtFileNumber: null,
    outcome: 'Demo: Vernehmung beim Staatsschutz, Aussage vollständig aufgenommen.',
  };
  if (index % 3 !== 0) return [interview];
  const past = random.chance(0.5);
  return [
    interview,
    {
      kind: 'court_hearing',
      inDays: past ? -random.int(1, 15) : random.int(5, 60),
      role: random.chance(0.6) ? 'joint_plaintiff' : 'witness',
      psychosocialSupport: random.chance(0.5),
      court: random.pick(COURTS),
      courtFileNumber: `Demo ${random.int(10, 99)} Ds ${random.int(100, 999)}/${year}`,
      outcome: past ? 'Demo: Verurteilung zu einer Freiheitsstrafe auf Bewährung.' : null,
    },
  ];
}

export const CLAIM_STORIES: readonly { status: ClaimStatus; note: string }[] = [
  { status: 'planned', note: 'Demo: Antrag nach SGB XIV wird mit der Person vorbereitet.' },
  { status: 'filed', note: 'Demo: Antrag beim Landschaftsverband eingereicht.' },
  { status: 'granted', note: 'Demo: Leistungen der Traumaambulanz bewilligt.' },
  { status: 'rejected', note: 'Demo: Abgelehnt, Widerspruch wird geprüft.' },
];

export const REFERRALS: readonly { target: ReferralTarget; details: string }[] = [
  { target: 'lawyer', details: 'Demo: Opferschutzanwältin, Erstberatung zur Nebenklage.' },
  { target: 'therapist', details: 'Demo: Traumaambulanz, Wartezeit etwa sechs Wochen.' },
  { target: 'medical', details: 'Demo: Hausärztliche Dokumentation der Verletzungen.' },
  { target: 'counselling_service', details: 'Demo: Antidiskriminierungsberatung vor Ort.' },
];

/** Why one closed demo case is on legal hold (auditors see the holds). */
export const LEGAL_HOLD_REASON =
  'Demo: Berufungsverfahren vor dem Landgericht läuft noch; Unterlagen werden für die Nebenklage gebraucht.';

export const CLOSING_REASONS = [
  'Demo: Anliegen erledigt, Verfahren abgeschlossen.',
  'Demo: Person wünscht keine weitere Beratung.',
  'Demo: Weitervermittlung an eine Beratungsstelle am neuen Wohnort.',
] as const;

/** An exit process: the phases after first contact, each some days after the last. */
export const EXIT_PATHS: readonly {
  phases: readonly ExitPhase[];
  helpPlanAreas: readonly HelpPlanArea[];
  reason?: string;
}[] = [
  { phases: ['motivation_and_risk'], helpPlanAreas: [] },
  { phases: ['motivation_and_risk', 'counselling_agreement'], helpPlanAreas: [] },
  {
    phases: ['motivation_and_risk', 'counselling_agreement', 'help_plan'],
    helpPlanAreas: ['housing', 'work'],
  },
  {
    phases: ['motivation_and_risk', 'counselling_agreement', 'help_plan', 'distancing'],
    helpPlanAreas: ['safety', 'debts'],
  },
  {
    phases: [
      'motivation_and_risk',
      'counselling_agreement',
      'help_plan',
      'distancing',
      'stabilisation',
    ],
    helpPlanAreas: ['tattoo_removal', 'work'],
  },
  {
    phases: [
      'motivation_and_risk',
      'counselling_agreement',
      'help_plan',
      'distancing',
      'stabilisation',
      'aftercare',
    ],
    helpPlanAreas: ['housing'],
  },
  {
    phases: ['motivation_and_risk', 'breaking_off'],
    helpPlanAreas: [],
    reason: 'Demo: Kontakt von der Person abgebrochen, erneute Kontaktaufnahme jederzeit möglich.',
  },
];

export const RISK_TEXTS: Record<
  RiskLevel,
  { toPerson: string; fromPerson: string | null; measures: string }
> = {
  low: {
    toPerson: 'Demo: Keine konkreten Hinweise auf Bedrohung.',
    fromPerson: null,
    measures: 'Demo: Regelmäßige Nachfrage im Gespräch.',
  },
  medium: {
    toPerson: 'Demo: Frühere Kameraden haben nach der neuen Adresse gefragt.',
    fromPerson: null,
    measures: 'Demo: Auskunftssperre beantragt, Treffpunkte wechseln.',
  },
  high: {
    toPerson: 'Demo: Drohnachrichten aus der Szene, Outing als „Verräter“ angekündigt.',
    fromPerson: 'Demo: Besitz einer Schreckschusswaffe, Abgabe vereinbart.',
    measures: 'Demo: Sicherheitskonferenz mit Polizei, Umzug wird vorbereitet.',
  },
  critical: {
    toPerson: 'Demo: Konkreter Hinweis auf einen geplanten Übergriff.',
    fromPerson: null,
    measures: 'Demo: Sofortige Unterbringung an einem sicheren Ort.',
  },
};

export const PREVENTION_SETTINGS: readonly PreventionSetting[] = [
  'school',
  'school',
  'youth_work',
  'youth_work',
  'online',
  'street_work',
  'family',
  'other',
];
export const TRAINING_FORMATS: readonly TrainingFormat[] = [
  'workshop',
  'workshop',
  'lecture',
  'online_seminar',
  'consultation',
];
export const TRAINING_AUDIENCES: readonly TrainingAudience[] = [
  'school_staff',
  'school_staff',
  'youth_work',
  'social_work',
  'police_justice',
  'administration',
  'civil_society',
];

export const APPOINTMENT_PLACES: Record<AppointmentKind, readonly string[]> = {
  counselling_session: [
    'Beratungsstelle, Raum 2 (Demo)',
    'Telefontermin (Demo)',
    'Café am Bahnhof, neutraler Ort (Demo)',
  ],
  police_interview: POLICE_STATIONS,
  court_hearing: COURTS,
  other: ['Teamraum (Demo)', 'Videokonferenz (Demo)'],
};

export const APPOINTMENT_NOTES: Record<AppointmentKind, string> = {
  counselling_session: 'Demo: Folgegespräch, Unterlagen mitbringen.',
  police_interview: 'Demo: Vorbereitung 30 Minuten vorher vor Ort.',
  court_hearing: 'Demo: Zeugenbetreuung vorab informieren.',
  other: 'Demo: Fallbesprechung im Team.',
};
