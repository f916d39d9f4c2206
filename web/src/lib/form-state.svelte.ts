import { get } from 'svelte/store';
import { _ } from 'svelte-i18n';
import { serverFieldError } from '$lib/components/cases/field-errors';
import { errorText } from '$lib/error-text';

/**
 * What every form keeps while it talks to the server: messages next to fields (by the body's
 * JSON pointer), one message for the form as a whole, and whether a request is under way.
 */
export class FormState {
  errors = $state<Record<string, string>>({});
  message = $state<string | null>(null);
  busy = $state(false);

  clear(): void {
    this.errors = {};
    this.message = null;
  }

  /** Shows a refusal: next to the field it points at, else above the form's buttons. */
  fail(caught: unknown): void {
    const t = get(_);
    const field = serverFieldError(caught, t);
    if (field) this.errors = { [field.path]: field.text };
    else this.message = errorText(caught, t);
  }

  /**
   * Sends one request at a time (a second click while one is under way does nothing) and
   * answers whether it went through; a refusal is shown by `fail`.
   */
  async run(request: () => Promise<unknown>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      await request();
      return true;
    } catch (caught) {
      this.fail(caught);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
