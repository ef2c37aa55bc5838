import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { CopyButton } from './copy-button';

describe('a Copy button', () => {
  it('has main put its text on the clipboard and says so', async () => {
    const api = new FakeSetupApi();
    useSetupApiForTests(api);
    render(<CopyButton text="host-1" label="Copy host ID" />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy host ID' })));
    expect(api.called('copyText')).toEqual(['host-1']);
    expect(screen.getByText('Copied')).toBeTruthy();
  });

  it('is not offered when there is nothing to copy (main would refuse an empty text)', () => {
    useSetupApiForTests(new FakeSetupApi());
    render(<CopyButton text="" label="Copy host ID" />);
    expect(screen.queryByRole('button', { name: 'Copy host ID' })).toBeNull();
  });
});
