import { config } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini (which keeps the CLIs small) ships no messages: without a locale every issue reads "Invalid input".
// Setup shows zod's English messages (a refused IPC argument, a damaged state file, a bad package declaration,
// a malformed protocol message), so each module that turns issues into text imports this for its effect,
// which loads the English locale as full zod did. Named imports only: `z.locales.en` would bundle every locale.
config(en());
