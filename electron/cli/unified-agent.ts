import { runEntry } from './run-entry';
import { unifiedAgentMain } from './unified-agent-cli';

runEntry(unifiedAgentMain);
