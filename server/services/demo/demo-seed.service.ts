import { generate } from 'otplib';
import type Type from 'typebox';
import Value from 'typebox/value';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Role, ServiceCode } from '../../generated/prisma/enums.ts';
import type {
  CaseWorkRecordCounts,
  InstallationRepository,
} from '../../repositories/installation.repository.ts';
import type { UserRecord } from '../../repositories/user.repository.ts';
import { CreateAppointmentBody } from '../../schemas/appointments.schema.ts';
import {
  CreateAccompanimentBody,
  CreateClaimBody,
  CreateIncidentBody,
  CreateReferralBody,
} from '../../schemas/backup-counselling.schema.ts';
import {
  AmendNoteBody,
  CreateCaseBody,
  CreateNoteBody,
  UpdateCaseBody,
} from '../../schemas/cases.schema.ts';
import {
  AssessRiskBody,
  ChangePhaseBody,
  CreatePreventionContactBody,
  CreateTrainingBody,
} from '../../schemas/comeback.schema.ts';
import { LegalHoldBody } from '../../schemas/lifecycle.schema.ts';
import type { Actor, RequestContext } from '../actor.ts';
import { temporaryPassword, type AccountAdminService } from '../accounts/account-admin.service.ts';
import type { AuthService } from '../accounts/auth.service.ts';
import type { AppointmentService } from '../appointments/appointment.service.ts';
import type { BackupCounsellingService } from '../cases/backup-counselling.service.ts';
import { BACKDATING_DAYS, berlinDay } from '../cases/case-work-scope.ts';
import type { CaseService } from '../cases/case.service.ts';
import type { ComebackService } from '../cases/comeback.service.ts';
import type { NoteService } from '../cases/note.service.ts';
import type { LifecycleService } from '../lifecycle/lifecycle.service.ts';
import {
  APPOINTMENT_NOTES,
  APPOINTMENT_PLACES,
  BACKUP_NOTES,
  BACKUP_PSEUDONYM_WORDS,
  BACKUP_SUMMARIES,
  CLAIM_STORIES,
  CLOSING_REASONS,
  COMEBACK_NOTES,
  COMEBACK_PSEUDONYM_WORDS,
  COMEBACK_SUMMARIES,
  DEMO_ACCOUNTS,
  DISTRICT_PLACES,
  EXIT_PATHS,
  LEGAL_HOLD_REASON,
  NOTE_AMENDMENT,
  PREVENTION_SETTINGS,
  REFERRALS,
  RISK_TEXTS,
  TRAINING_AUDIENCES,
  TRAINING_FORMATS,
  demoAccompaniments,
  demoIncident,
  demoPerson,
  demoRandom,
  type DemoAccountSpec,
  type DemoIncident,
  type DemoPerson,
  type DemoRandom,
} from './demo-data.ts';
import { addDays, berlinInstant, mondayOf } from './demo-dates.ts';

/** How much the demo holds (the integration test checks the database against these). */
export const DEMO_SIZE = {
  backupCases: 24,
  /** Incidents besides the one of each BackUp case: monitoring from the press and partners. */
  monitoringIncidents: 36,
  comebackCases: 16,
  preventionContacts: 24,
  trainings: 14,
} as const;

/** A demo account's credentials, shown once at the terminal and never stored in clear. */
export interface DemoAccount {
  username: string;
  role: Role;
  service: ServiceCode | null;
  password: string;
  totpSecret: string;
  otpauthUrl: string;
}

export interface DemoSeedResult {
  accounts: DemoAccount[];
}

type Progress = (done: number, total: number) => void;

/** Work of the seed, run one step after another (the progress bar counts them). */
type Step = () => Promise<unknown>;

/**
 * `casework demo seed`: a fictional, plausible installation for newcomers. Everything goes
 * through the services the routes use, as the demo counsellors, so that every field is
 * encrypted, every blind index computed and every step an access-log event, exactly as in
 * real use. It refuses an installation that holds anything but a first administrator.
 */
export function createDemoSeedService(deps: {
  installation: InstallationRepository;
  accounts: AccountAdminService;
  auth: AuthService;
  cases: CaseService;
  notes: NoteService;
  backup: BackupCounsellingService;
  comeback: ComebackService;
  appointments: AppointmentService;
  lifecycle: Pick<LifecycleService, 'setLegalHold'>;
  clock: Clock;
}) {
  const { installation, accounts, auth, clock } = deps;

  /**
   * Fresh means: no case, incident, appointment, prevention contact or training in either
   * service, and no account except at most one administrator (the one `npm start`'s setup
   * link or `user create` made). Anything else may be real data and is never mixed with demo
   * data.
   */
  async function refuseUnlessFresh(): Promise<void> {
    const users = await accounts.list();
    if (users.some((user) => DEMO_ACCOUNTS.some((demo) => demo.username === user.username))) {
      throw new AppError(
        'conflict',
        'demo seed refused: the demo data is there already (the demo accounts exist). It runs once, on a fresh installation.',
      );
    }
    const records: Record<ServiceCode, CaseWorkRecordCounts> = {
      backup: await installation.caseWorkRecords('backup'),
      comeback: await installation.caseWorkRecords('comeback'),
    };
    const found: string[] = [];
    const otherAccounts = users.length === 1 && users[0]!.role === 'admin' ? 0 : users.length;
    if (otherAccounts > 0) found.push(`${otherAccounts} account(s)`);
    for (const [what, label] of [
      ['cases', 'case(s)'],
      ['incidents', 'incident(s)'],
      ['appointments', 'appointment(s)'],
      ['preventionContacts', 'prevention contact(s)'],
      ['trainings', 'training(s)'],
    ] as const) {
      const count = records.backup[what] + records.comeback[what];
      if (count > 0) found.push(`${count} ${label}`);
    }
    if (found.length > 0) {
      throw new AppError(
        'conflict',
        `demo seed refused: this installation holds data (${found.join(', ')}). Demo data goes only into a fresh installation: no case-work records and no account but the first administrator.`,
      );
    }
  }

  /** An account made like any other, its second factor enrolled the way the UI does it. */
  async function createAccount(
    context: RequestContext,
    spec: DemoAccountSpec,
  ): Promise<{ account: DemoAccount; user: UserRecord }> {
    const password = temporaryPassword();
    const { user } = await accounts.create(context, {
      username: spec.username,
      role: spec.role,
      service: spec.service,
      password,
    });
    const own: RequestContext = { ...context, actor: actorOf(user) };
    const { secret, otpauthUrl } = await auth.startTotpSetup(own, user.id);
    const code = await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
    await auth.confirmTotp(own, user.id, code);
    return {
      account: {
        username: user.username,
        role: user.role,
        service: user.service,
        password,
        totpSecret: secret,
        otpauthUrl,
      },
      user,
    };
  }

  return {
    refuseUnlessFresh,

    async seed(context: RequestContext, onProgress: Progress = () => {}): Promise<DemoSeedResult> {
      await refuseUnlessFresh();
      const random = demoRandom();
      const today = berlinDay(clock.now());
      const staff = new Map<string, RequestContext>();
      const created: DemoAccount[] = [];
      const steps: Step[] = DEMO_ACCOUNTS.map((spec) => async () => {
        const { account, user } = await createAccount(context, spec);
        created.push(account);
        staff.set(spec.username, { ...context, actor: actorOf(user) });
      });
      const as = (username: string) => () => staff.get(username)!;
      const ids: CaseIds = new Map();
      steps.push(...backupSteps(deps, random, today, as, ids));
      steps.push(...comebackSteps(deps, random, today, as, ids));
      steps.push(...appointmentSteps(deps, random, today, as, ids));

      onProgress(0, steps.length);
      for (const [index, step] of steps.entries()) {
        await step();
        onProgress(index + 1, steps.length);
      }
      return { accounts: created };
    },
  };
}

export type DemoSeedService = ReturnType<typeof createDemoSeedService>;

function actorOf(user: UserRecord): Actor {
  return { userId: user.id, username: user.username, role: user.role, service: user.service };
}

type Deps = Parameters<typeof createDemoSeedService>[0];

/**
 * A body the route would have accepted: services trust their input to have passed the route's
 * schema, so the demo passes the same one (a demo text too long or a day misspelt stops here).
 */
function fit<S extends Type.TSchema>(schema: S, body: Type.Static<S>): Type.Static<S> {
  if (!Value.Check(schema, body)) {
    const [first] = Value.Errors(schema, body);
    throw new Error(
      `demo data does not fit the API: ${first?.instancePath || '/'} ${first?.message ?? ''}`,
    );
  }
  return body;
}

/** The context of a demo account, known once the account step has run. */
type As = (username: string) => () => RequestContext;
/** The story so far: case ids by key (`backup-3`), filled in as the steps run. */
type CaseIds = Map<string, string>;

function personInput(person: DemoPerson) {
  return {
    pseudonym: person.pseudonym,
    name: person.name,
    dateOfBirth: person.dateOfBirth,
    phone: person.phone,
    email: person.email,
    address: person.address,
    preferredLanguage: person.preferredLanguage,
    interpreterNeeded: person.interpreterNeeded,
    safeContact: person.safeContact,
  };
}

function incidentInput(incident: DemoIncident, today: string) {
  const { daysAgo, ...fields } = incident;
  return { ...fields, occurredOn: addDays(today, -daysAgo) };
}

function backupSteps(deps: Deps, random: DemoRandom, today: string, as: As, ids: CaseIds): Step[] {
  const steps: Step[] = [];
  const counsellors = ['demo-backup-1', 'demo-backup-2'] as const;
  for (let index = 0; index < DEMO_SIZE.backupCases; index++) {
    const key = `backup-${index}`;
    const owner = counsellors[index % 2]!;
    const other = counsellors[(index + 1) % 2]!;
    const openedAgo = Math.max(2, 640 - index * 27 + random.int(-6, 6));
    const openedOn = addDays(today, -openedAgo);
    const incident = demoIncident(random, openedAgo + random.int(1, 20));
    const town = incident.municipality ?? 'Dortmund';
    const person = demoPerson(random, BACKUP_PSEUDONYM_WORDS, index, town, {
      today,
      atLeast: 16,
    });
    const withCo = index % 5 === 0;
    const summary = random.pick(BACKUP_SUMMARIES);
    const caseId = () => ids.get(key)!;

    steps.push(async () => {
      const ctx = as(owner)();
      const coCounsellorId = withCo ? as(other)().actor!.userId : undefined;
      const { id } = await deps.cases.create(
        ctx,
        fit(CreateCaseBody, {
          person: personInput(person),
          anonymous: person.anonymous,
          summary,
          openedOn,
          ...(coCounsellorId ? { coCounsellorId } : {}),
        }),
      );
      ids.set(key, id);
    });
    steps.push(() =>
      deps.backup.createIncident(
        as(owner)(),
        fit(CreateIncidentBody, { ...incidentInput(incident, today), caseIds: [caseId()] }),
      ),
    );

    const notes = random.some(BACKUP_NOTES, random.int(2, 4));
    let firstNoteId = '';
    for (const [position, note] of notes.entries()) {
      steps.push(async () => {
        const created = await deps.notes.create(as(owner)(), caseId(), fit(CreateNoteBody, note));
        if (position === 0) firstNoteId = created.id;
      });
    }
    if (index % 6 === 1) {
      steps.push(() =>
        deps.notes.amend(
          as(owner)(),
          caseId(),
          firstNoteId,
          fit(AmendNoteBody, { body: NOTE_AMENDMENT }),
        ),
      );
    }

    if (index % 2 === 0) {
      for (const accompaniment of demoAccompaniments(random, index)) {
        const { inDays, ...fields } = accompaniment;
        // Nothing before the case was opened.
        const takesPlaceOn = addDays(today, Math.max(inDays, -openedAgo + 1));
        steps.push(() =>
          deps.backup.records.accompaniments.create(
            as(owner)(),
            caseId(),
            fit(CreateAccompanimentBody, { ...fields, takesPlaceOn }),
          ),
        );
      }
    }
    if (index % 5 === 2) {
      const claim = CLAIM_STORIES[index % CLAIM_STORIES.length]!;
      const filed = claim.status === 'planned' ? null : addDays(openedOn, 20);
      const decided =
        claim.status === 'granted' || claim.status === 'rejected' ? addDays(openedOn, 90) : null;
      steps.push(() =>
        deps.backup.records.claims.create(
          as(owner)(),
          caseId(),
          fit(CreateClaimBody, {
            status: claim.status,
            filedOn: filed,
            decidedOn: decided && decided <= today ? decided : null,
            note: claim.note,
          }),
        ),
      );
    }
    if (index % 4 === 1) {
      const referral = REFERRALS[index % REFERRALS.length]!;
      const on = addDays(openedOn, 7);
      steps.push(() =>
        deps.backup.records.referrals.create(
          as(owner)(),
          caseId(),
          fit(CreateReferralBody, {
            target: referral.target,
            referredOn: on,
            consentForm: index % 2 === 0 ? 'written' : 'verbal',
            consentOn: on,
            details: referral.details,
          }),
        ),
      );
    }
    if (openedAgo > 250 && index % 3 === 0) {
      const closingReason = random.pick(CLOSING_REASONS);
      steps.push(() =>
        deps.cases.update(
          as(owner)(),
          caseId(),
          fit(UpdateCaseBody, {
            status: 'closed',
            // The server takes closing days only shortly before a case's creation.
            closedOn: addDays(today, -(index % BACKDATING_DAYS)),
            closingReason,
          }),
        ),
      );
      // Closed, but kept past its retention period: proceedings are still running.
      if (index === 0) {
        steps.push(() =>
          deps.lifecycle.setLegalHold(
            as(owner)(),
            caseId(),
            fit(LegalHoldBody, { reason: LEGAL_HOLD_REASON }).reason,
          ),
        );
      }
    }
  }

  // Incidents the service documents without a case of its own: monitoring.
  for (let index = 0; index < DEMO_SIZE.monitoringIncidents; index++) {
    const incident = demoIncident(random, random.int(1, 700));
    steps.push(() =>
      deps.backup.createIncident(
        as(counsellors[index % 2]!)(),
        fit(CreateIncidentBody, {
          ...incidentInput(incident, today),
          // Monitoring learns of these from others than the person affected.
          source: incident.source === 'affected_person' ? 'press' : incident.source,
        }),
      ),
    );
  }
  return steps;
}

function comebackSteps(
  deps: Deps,
  random: DemoRandom,
  today: string,
  as: As,
  ids: CaseIds,
): Step[] {
  const steps: Step[] = [];
  const counsellors = ['demo-comeback-1', 'demo-comeback-2'] as const;
  const towns = Object.values(DISTRICT_PLACES).flat();
  for (let index = 0; index < DEMO_SIZE.comebackCases; index++) {
    const key = `comeback-${index}`;
    const owner = counsellors[index % 2]!;
    const other = counsellors[(index + 1) % 2]!;
    const openedAgo = Math.max(10, 560 - index * 34 + random.int(-5, 5));
    const openedOn = addDays(today, -openedAgo);
    const person = demoPerson(random, COMEBACK_PSEUDONYM_WORDS, index, random.pick(towns), {
      today,
      atLeast: 17,
    });
    const summary = random.pick(COMEBACK_SUMMARIES);
    const caseId = () => ids.get(key)!;

    steps.push(async () => {
      const { id } = await deps.cases.create(
        as(owner)(),
        fit(CreateCaseBody, {
          person: personInput(person),
          anonymous: person.anonymous,
          summary,
          openedOn,
        }),
      );
      ids.set(key, id);
    });

    // Later cases have come less far: the path fits the time since opening.
    const path = EXIT_PATHS[(DEMO_SIZE.comebackCases - 1 - index) % EXIT_PATHS.length]!;
    const gap = Math.max(1, Math.floor(openedAgo / (path.phases.length + 1)));
    for (const [position, phase] of path.phases.entries()) {
      const changedOn = addDays(openedOn, gap * (position + 1));
      steps.push(() =>
        deps.comeback.records.exitPhases.create(
          as(owner)(),
          caseId(),
          fit(ChangePhaseBody, {
            phase,
            changedOn: changedOn > today ? today : changedOn,
            ...(phase === 'help_plan' ? { helpPlanAreas: [...path.helpPlanAreas] } : {}),
            ...(phase === 'breaking_off' ? { reason: path.reason! } : {}),
          }),
        ),
      );
    }
    if (path.phases.at(-1) === 'breaking_off') {
      steps.push(() =>
        deps.cases.update(
          as(owner)(),
          caseId(),
          fit(UpdateCaseBody, { status: 'closed', closedOn: today, closingReason: path.reason! }),
        ),
      );
    }

    for (const note of random.some(COMEBACK_NOTES, random.int(2, 3))) {
      steps.push(() => deps.notes.create(as(owner)(), caseId(), fit(CreateNoteBody, note)));
    }

    // Risk: a level stands only once a second counsellor confirms it (four eyes).
    if (index % 2 === 0) {
      const levels = index % 4 === 0 ? (['medium', 'high'] as const) : (['low'] as const);
      for (const [position, level] of levels.entries()) {
        const text = RISK_TEXTS[level];
        steps.push(async () => {
          const proposed = await deps.comeback.records.riskAssessments.create(
            as(owner)(),
            caseId(),
            fit(AssessRiskBody, {
              assessedOn: addDays(openedOn, 14 * (position + 1)),
              level,
              threatsToPerson: text.toPerson,
              threatsFromPerson: text.fromPerson,
              safetyMeasures: text.measures,
            }),
          );
          // The second counsellor is not assigned to the case: confirming needs a reason.
          await deps.comeback.decideRisk(
            { ...as(other)(), accessReason: 'Vier-Augen-Prüfung der Gefährdungseinschätzung' },
            caseId(),
            proposed.id,
            'confirmed',
          );
        });
      }
    }
    // Two proposals wait for the other counsellor, to show the four-eyes step in the UI.
    if (index === 1 || index === 3) {
      const text = RISK_TEXTS.medium;
      steps.push(() =>
        deps.comeback.records.riskAssessments.create(
          as(owner)(),
          caseId(),
          fit(AssessRiskBody, {
            level: 'medium',
            threatsToPerson: text.toPerson,
            safetyMeasures: text.measures,
          }),
        ),
      );
    }
  }

  for (let index = 0; index < DEMO_SIZE.preventionContacts; index++) {
    const contact = fit(CreatePreventionContactBody, {
      heldOn: addDays(today, -random.int(1, 365)),
      setting: random.pick(PREVENTION_SETTINGS),
      participants: random.int(1, 25),
    });
    steps.push(() => deps.comeback.createPreventionContact(as(counsellors[index % 2]!)(), contact));
  }
  for (let index = 0; index < DEMO_SIZE.trainings; index++) {
    const training = fit(CreateTrainingBody, {
      heldOn: addDays(today, -random.int(1, 365)),
      format: random.pick(TRAINING_FORMATS),
      audience: random.pick(TRAINING_AUDIENCES),
      participants: random.int(6, 40),
    });
    steps.push(() => deps.comeback.createTraining(as(counsellors[index % 2]!)(), training));
  }
  return steps;
}

/** Appointments of every demo counsellor: most this week, some next week and before. */
function appointmentSteps(
  deps: Deps,
  random: DemoRandom,
  today: string,
  as: As,
  ids: CaseIds,
): Step[] {
  const steps: Step[] = [];
  const monday = mondayOf(today);
  const plans = [
    { service: 'backup', prefix: 'backup', counsellors: ['demo-backup-1', 'demo-backup-2'] },
    {
      service: 'comeback',
      prefix: 'comeback',
      counsellors: ['demo-comeback-1', 'demo-comeback-2'],
    },
  ] as const;
  for (const plan of plans) {
    const cases = plan.service === 'backup' ? DEMO_SIZE.backupCases : DEMO_SIZE.comebackCases;
    for (const [who, username] of plan.counsellors.entries()) {
      // Days from this Monday: five this week, two next week, three in the weeks before.
      const days = [0, 1, 2, 3, 4, 8, 10, -3, -6, -12];
      for (const [position, offset] of days.entries()) {
        // The counsellor's own cases are every second one, starting with `who`.
        const caseIndex = (who + 2 * ((position * 3 + who) % Math.floor(cases / 2))) % cases;
        const kind =
          plan.service === 'backup' && position === 2
            ? 'police_interview'
            : plan.service === 'backup' && position === 5
              ? 'court_hearing'
              : 'counselling_session';
        const day = addDays(monday, offset);
        const hour = 9 + ((position * 2 + who) % 8);
        const location = random.pick(APPOINTMENT_PLACES[kind]);
        steps.push(() =>
          deps.appointments.create(
            as(username)(),
            fit(CreateAppointmentBody, {
              start: berlinInstant(day, hour, position % 2 === 0 ? 0 : 30),
              end: berlinInstant(day, hour + 1, position % 2 === 0 ? 0 : 30),
              kind,
              caseId: ids.get(`${plan.prefix}-${caseIndex}`)!,
              location,
              note: APPOINTMENT_NOTES[kind],
            }),
          ),
        );
      }
    }
    // The weekly team meeting, on the first counsellor's calendar, without a case.
    const wednesday = addDays(monday, 2);
    const place = random.pick(APPOINTMENT_PLACES.other);
    steps.push(() =>
      deps.appointments.create(
        as(plan.counsellors[0])(),
        fit(CreateAppointmentBody, {
          start: berlinInstant(wednesday, 14),
          end: berlinInstant(wednesday, 15, 30),
          kind: 'other',
          caseId: null,
          location: place,
          note: APPOINTMENT_NOTES.other,
        }),
      ),
    );
  }
  return steps;
}
