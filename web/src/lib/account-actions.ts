import type { AdminUser } from './api/types';

/** What an admin can do to an account from its row in the user list. */
export type AccountAction = 'unlock' | 'reset-password' | 'reset-totp' | 'disable' | 'enable';

interface ActionTexts {
  /** i18n keys; the texts take `{username}`. */
  label: string;
  confirmTitle: string;
  confirmText: string;
  /** Said after the action. */
  done: string;
}

export const ACCOUNT_ACTIONS: Readonly<Record<AccountAction, ActionTexts>> = {
  unlock: {
    label: 'users.actionUnlock',
    confirmTitle: 'users.confirmUnlockTitle',
    confirmText: 'users.confirmUnlock',
    done: 'users.doneUnlock',
  },
  'reset-password': {
    label: 'users.actionResetPassword',
    confirmTitle: 'users.confirmResetPasswordTitle',
    confirmText: 'users.confirmResetPassword',
    done: 'users.doneResetPassword',
  },
  'reset-totp': {
    label: 'users.actionResetTotp',
    confirmTitle: 'users.confirmResetTotpTitle',
    confirmText: 'users.confirmResetTotp',
    done: 'users.doneResetTotp',
  },
  disable: {
    label: 'users.actionDisable',
    confirmTitle: 'users.confirmDisableTitle',
    confirmText: 'users.confirmDisable',
    done: 'users.doneDisable',
  },
  enable: {
    label: 'users.actionEnable',
    confirmTitle: 'users.confirmEnableTitle',
    confirmText: 'users.confirmEnable',
    done: 'users.doneEnable',
  },
};

/**
 * The actions that make sense for an account in its current state, the most frequent help
 * first and the most far-reaching last. Offering only these keeps each row short.
 */
export function actionsFor(user: AdminUser): AccountAction[] {
  const actions: AccountAction[] = [];
  if (user.locked) actions.push('unlock');
  actions.push('reset-password');
  if (user.totpEnrolled) actions.push('reset-totp');
  actions.push(user.disabled ? 'enable' : 'disable');
  return actions;
}
