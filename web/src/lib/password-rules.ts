/**
 * The length floor of server/services/accounts/password-policy.ts, for the hint and an early
 * check in the browser. It cannot be imported from there without bundling the server's
 * strength estimator; the server checks again and has the final word. No composition rules,
 * as NIST SP 800-63B recommends.
 */
export const MIN_PASSWORD_LENGTH = 12;
