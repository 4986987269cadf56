import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { StoresProvider, createStores, type Stores } from '../../src/renderer/stores';
import type { FakeEngine } from './fake-engine';

/** Renders a piece of the window over a fake engine, with the stores it would have in the app. */
export function renderWithEngine(engine: FakeEngine, ui: ReactNode): { stores: Stores } & ReturnType<typeof render> {
  const stores = createStores(engine.api);
  return { stores, ...render(<StoresProvider stores={stores}>{ui}</StoresProvider>) };
}
