import { configuratorMain } from './configurator-cli';
import { runEntry } from './run-entry';

runEntry(configuratorMain);
