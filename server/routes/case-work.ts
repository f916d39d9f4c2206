import type { FastifyInstance } from 'fastify';
import appointmentRoutes from './appointments/index.ts';
import calendarRoutes from './calendar/index.ts';
import chronicleRoutes from './chronicle/index.ts';
import backupCaseRoutes from './cases/backup-counselling.ts';
import comebackCaseRoutes from './cases/comeback.ts';
import documentRoutes from './cases/documents.ts';
import caseRoutes from './cases/index.ts';
import followUpRoutes from './cases/follow-ups.ts';
import incidentRoutes from './incidents/index.ts';
import monitoringRoutes from './monitoring/index.ts';
import preventionRoutes from './prevention/index.ts';
import statsRoutes from './stats/index.ts';
import lifecycleRoutes from './lifecycle/index.ts';
import workplaceRoutes from './workplace/index.ts';

/** Every case-work route, registered by app.ts in one step. */
export default async function caseWorkRoutes(
  app: FastifyInstance,
  options: { maxFileBytes: number },
) {
  await app.register(caseRoutes);
  await app.register(documentRoutes, { maxFileBytes: options.maxFileBytes });
  await app.register(backupCaseRoutes);
  await app.register(comebackCaseRoutes);
  await app.register(followUpRoutes);
  await app.register(incidentRoutes);
  await app.register(chronicleRoutes);
  await app.register(appointmentRoutes);
  await app.register(calendarRoutes);
  await app.register(preventionRoutes);
  await app.register(statsRoutes);
  await app.register(monitoringRoutes);
  await app.register(lifecycleRoutes);
  await app.register(workplaceRoutes);
}
