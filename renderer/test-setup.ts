import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { shutdown } from './state/actions';
import { resetStores } from './state/stores';
import { useSetupApiForTests } from './setup-api';

// Every renderer test starts from clean stores, no listeners and no fake API left by the one before.
afterEach(() => {
  cleanup();
  shutdown();
  resetStores();
  useSetupApiForTests(undefined);
});
