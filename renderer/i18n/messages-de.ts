import { messagesDeDialogs } from './messages-de-dialogs';
import { messagesDeProgress } from './messages-de-progress';
import { messagesDePush } from './messages-de-push';
import { messagesDeWizard } from './messages-de-wizard';
import type { MessageId } from './messages-en';

// The German catalog: every English id, no other (TypeScript here; messages.test.ts also checks the ICU
// arguments). Loaded only when the wizard runs in German.

export const messagesDe: Readonly<Record<MessageId, string>> = {
  ...messagesDeWizard,
  ...messagesDeProgress,
  ...messagesDeDialogs,
  ...messagesDePush,
};
