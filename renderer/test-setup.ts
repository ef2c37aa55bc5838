import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { shutdown } from './state/actions';
import { shutdownPush } from './state/push-actions';
import { resetPushStore } from './state/push-store';
import { resetStores } from './state/stores';
import { useSetupApiForTests } from './setup-api';

// Every renderer test starts from clean stores, no listeners and no fake API left by the one before.
afterEach(() => {
  cleanup();
  shutdown();
  shutdownPush();
  resetStores();
  resetPushStore();
  useSetupApiForTests(undefined);
});
