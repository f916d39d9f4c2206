import type { Clock } from '../../clock.ts';
import { loggableError } from '../../logging.ts';
import type { RetentionService } from './retention.service.ts';

const HOUR_MS = 3_600_000;

export interface SweepLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The retention sweep inside the server: every `intervalHours`, counted from the last sweep
 * (kept in the access log, so restarts do not postpone it forever; a fresh installation waits
 * one interval). Timers are unref'd: they never keep the process alive. `stop()` on close.
 */
export function startRetentionSweep(deps: {
  retention: RetentionService;
  clock: Clock;
  intervalHours: number;
  log: SweepLog;
}): { stop(): Promise<void> } {
  const { retention, clock, log } = deps;
  const intervalMs = deps.intervalHours * HOUR_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function schedule(delayMs: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep().finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
    }, delayMs);
    timer.unref();
  }

  async function sweep() {
    const requestId = `retention:${crypto.randomUUID()}`;
    try {
      const report = await retention.run(
        { actor: null, clientAddress: null, requestId },
        { dryRun: false },
      );
      log.info(
        {
          due: report.due.length,
          erased: report.erased.length,
          erasedAppointments: report.erasedAppointments,
          erasedIncidents: report.erasedIncidents,
          held: report.held.length,
        },
        'retention sweep done',
      );
    } catch (error) {
      log.error({ err: loggableError(error), requestId }, 'retention sweep failed');
    }
  }

  if (intervalMs > 0) {
    void retention
      .lastSweepAt()
      .then((last) => {
        const due = last ? last.getTime() + intervalMs - clock.now().getTime() : intervalMs;
        schedule(Math.min(Math.max(due, 60_000), intervalMs));
      })
      .catch((error: unknown) => {
        // Closed before the answer came (a short-lived command): nothing to schedule.
        if (stopped) return;
        log.error(
          { err: loggableError(error) },
          'last retention sweep unknown; sweeping after one interval',
        );
        schedule(intervalMs);
      });
  }

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
