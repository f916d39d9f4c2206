/**
 * The current page's title. The root layout turns it into <title>, so that a locked screen can
 * replace it: a title naming a case would otherwise stay readable in the browser's tab bar.
 */
export const pageTitle = $state({ current: '' });
