// svelte-i18n's `$_` (its type lives in ./i18n, which the server-side tests cannot load).
type Translate = (id: string, options?: { values?: Record<string, string | number> }) => string;

/**
 * The rule an erasure followed, in words: `request.art17_request` (a team lead's erasure on
 * request) or `retention.backup.closed_case.3y` (the retention schedule). An unknown shape gets
 * a neutral text, never the code.
 */
export function erasureRuleText(rule: string, t: Translate): string {
  const request = /^request\.(\w+)$/.exec(rule);
  if (request) {
    const id = `lifecycle.erasure.grounds.${request[1]}`;
    const ground = t(id);
    if (ground !== id) return t('lifecycle.erasure.ruleRequest', { values: { ground } });
  }
  const retention =
    /^retention\.\w+\.(closed_case|appointment|unlinked_incident)\.(\d+)([ym])$/.exec(rule);
  if (retention) {
    return t(`lifecycle.erasure.ruleRetention.${retention[1]}.${retention[3]}`, {
      values: { count: Number(retention[2]) },
    });
  }
  return t('auditText.otherRule');
}
