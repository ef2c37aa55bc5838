import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { FakeSetupApi } from './test-support/fake-setup-api';
import { useSetupApiForTests } from './setup-api';
import { boot } from './state/actions';
import { App } from './app';

describe('setup that cannot start', () => {
  it('says why, with the remedy, and still has a way out: Exit closes at once', async () => {
    const api = new FakeSetupApi();
    api.getState = async () => {
      throw new Error('main did not answer');
    };
    useSetupApiForTests(api);
    await boot();
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Mobility Service Setup cannot start' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('main did not answer');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Exit' })));
    expect(api.called('close')).toHaveLength(1);
  });
});
