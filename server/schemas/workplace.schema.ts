import Type from 'typebox';
import { RiskLevel } from '../generated/prisma/enums.ts';
import { AppointmentView } from './appointments.schema.ts';
import { Nullable, StaffRef } from './case-work.schema.ts';
import { CaseStatusSchema } from './cases.schema.ts';

const Moment = Type.String({ format: 'date-time' });

/** A counsellor's start page: the day's and week's work in one answer. */
export const WorkplaceView = Type.Object(
  {
    today: Type.String({ description: 'Today in Germany, YYYY-MM-DD' }),
    weekEnd: Type.String({ description: 'The Sunday of this week, YYYY-MM-DD' }),
    appointments: Type.Array(AppointmentView, {
      description: 'Own scheduled appointments from today until the end of the week',
    }),
    appointmentsTruncated: Type.Boolean(),
    openCases: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          caseNumber: Type.String(),
          pseudonym: Type.String(),
          status: CaseStatusSchema,
          lastContactAt: Nullable(Moment),
          nextAppointmentAt: Nullable(Moment),
        },
        { additionalProperties: false },
      ),
      { description: 'Open cases the caller works on, longest without contact first' },
    ),
    followUps: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          caseId: Type.String(),
          caseNumber: Type.String(),
          dueOn: Type.String(),
          overdue: Type.Boolean(),
          body: Nullable(Type.String({ description: "null on a colleague's case" })),
        },
        { additionalProperties: false },
      ),
      { description: 'Own open follow-ups due by the end of the week, overdue ones first' },
    ),
    riskChecks: Type.Array(
      Type.Object(
        {
          assessmentId: Type.String(),
          caseId: Type.String(),
          caseNumber: Type.String(),
          level: Type.Enum(RiskLevel),
          assessedOn: Type.String(),
          proposedBy: StaffRef,
        },
        { additionalProperties: false },
      ),
      { description: 'Risk assessments waiting for a second counsellor (ComeBack)' },
    ),
  },
  { additionalProperties: false },
);
export type WorkplaceView = Type.Static<typeof WorkplaceView>;
