import type { MessageId } from './messages-en';

// react-intl's formatMessage takes only ids the English catalog has: a typo fails to typecheck.
declare global {
  namespace FormatjsIntl {
    interface Message {
      ids: MessageId;
    }
  }
}
