import { messagesEnDialogs } from './messages-en-dialogs';
import { messagesEnProgress } from './messages-en-progress';
import { messagesEnPush } from './messages-en-push';
import { messagesEnWizard } from './messages-en-wizard';

// The English catalog, the source every other language is checked against (messages.test.ts): by id, with
// the same ICU arguments. Ids name where a message shows ('option.install', 'push.keys.start').

export const messagesEn = {
  ...messagesEnWizard,
  ...messagesEnProgress,
  ...messagesEnDialogs,
  ...messagesEnPush,
} as const;

export type MessageId = keyof typeof messagesEn;
