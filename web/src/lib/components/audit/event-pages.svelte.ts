import { searchAudit, type AuditEvent, type AuditFilter } from '$lib/api/audit';

/**
 * Events of one filter, loaded page by page, newest first (keyset: each page asks for events
 * older than the last one shown). A newer load replaces one still under way, so a slow answer
 * to an old filter never lands under a new one.
 */
export class EventPages {
  events = $state<AuditEvent[]>([]);
  /** The `before` of the next page; null when everything is loaded. */
  nextBefore = $state<number | null>(null);
  loading = $state(false);
  loadingMore = $state(false);
  failure = $state<unknown>(null);
  /** The first page of the current filter has arrived. */
  loaded = $state(false);

  readonly #pageSize: number;
  #filter: AuditFilter | null = null;
  #generation = 0;

  constructor(pageSize: number) {
    this.#pageSize = pageSize;
  }

  async load(filter: AuditFilter): Promise<void> {
    const generation = ++this.#generation;
    this.#filter = filter;
    this.loading = true;
    this.loadingMore = false;
    this.failure = null;
    try {
      const page = await searchAudit(filter, { limit: this.#pageSize });
      if (generation !== this.#generation) return;
      this.events = page.events;
      this.nextBefore = page.nextBefore;
      this.loaded = true;
    } catch (caught) {
      if (generation !== this.#generation) return;
      this.events = [];
      this.nextBefore = null;
      this.loaded = false;
      this.failure = caught;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async more(): Promise<void> {
    const filter = this.#filter;
    const before = this.nextBefore;
    if (filter === null || before === null || this.loading || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    this.failure = null;
    try {
      const page = await searchAudit(filter, { before, limit: this.#pageSize });
      if (generation !== this.#generation) return;
      this.events = [...this.events, ...page.events];
      this.nextBefore = page.nextBefore;
    } catch (caught) {
      if (generation === this.#generation) this.failure = caught;
    } finally {
      if (generation === this.#generation) this.loadingMore = false;
    }
  }

  /** Forgets everything, for a filter that cannot be sent. */
  clear(): void {
    this.#generation += 1;
    this.#filter = null;
    this.events = [];
    this.nextBefore = null;
    this.loading = this.loadingMore = this.loaded = false;
    this.failure = null;
  }
}
