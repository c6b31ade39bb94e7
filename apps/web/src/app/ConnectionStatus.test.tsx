// @vitest-environment jsdom
import { act, screen } from '@testing-library/react';
import { describe, expect } from 'vitest';
import { useConnection } from '../stores/connection.store';
import { test } from '../test/component';
import { ConnectionStatus } from './ConnectionStatus';

describe('ConnectionStatus', () => {
  test('[status] says what the connection is doing, with the seconds to the next try', ({ view }) => {
    view(<ConnectionStatus />);
    expect(screen.getByTestId('connection-status').textContent).toBe('Connecting…');
    act(() => useConnection.getState().set('reconnecting', Date.now() + 2_400));
    expect(screen.getByTestId('connection-status').textContent).toBe('Reconnecting in 3s');
    act(() => useConnection.getState().set('connected'));
    expect(screen.getByTestId('connection-status').textContent).toBe('Connected');
  });

  test('[protocol] once the server is newer, a reload is offered, and stays offered', ({ view }) => {
    view(<ConnectionStatus />);
    expect(screen.queryByRole('button', { name: 'Reload' })).toBeNull();
    act(() => useConnection.getState().suggestReload());
    act(() => useConnection.getState().set('reconnecting', Date.now() + 1_000));
    act(() => useConnection.getState().set('connected'));
    expect(screen.getByText('A newer version is available.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
  });
});
