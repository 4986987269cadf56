// @vitest-environment happy-dom
/** Toasts leave after their lifetime, but not while they are read: pointer on them, or focus in them. */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Toasts } from '../../src/renderer/common/Toasts';
import { createFakeEngine } from './fake-engine';
import { renderWithEngine } from './render';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function showToast(): void {
  const { stores } = renderWithEngine(createFakeEngine({}), <Toasts />);
  act(() => void stores.app.getState().toast({ message: 'A generation failed.', tone: 'error', action: { label: 'Show failed', run: async () => undefined } }, 10_000));
}

describe('toasts', () => {
  it('leave after their lifetime', () => {
    showToast();
    act(() => vi.advanceTimersByTime(9_999));
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryAllByTestId('toast')).toEqual([]);
  });

  it('stay while the pointer is on them, and get their whole lifetime again once left', () => {
    showToast();
    fireEvent.mouseEnter(screen.getByTestId('toast'));
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
    fireEvent.mouseLeave(screen.getByTestId('toast'));
    act(() => vi.advanceTimersByTime(9_999));
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryAllByTestId('toast')).toEqual([]);
  });

  it('stay while the focus is in them (reaching their button), even when the pointer leaves', () => {
    showToast();
    const button = screen.getByRole('button', { name: 'Show failed' });
    act(() => button.focus());
    fireEvent.mouseEnter(screen.getByTestId('toast'));
    fireEvent.mouseLeave(screen.getByTestId('toast'));
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
    act(() => button.blur());
    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.queryAllByTestId('toast')).toEqual([]);
  });
});
