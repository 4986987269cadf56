import { describe, expect, it } from 'vitest';
import { createApi, type IpcTransport } from '../../src/shared/ipc/client';

const unusedTransport: IpcTransport = {
  invoke: async () => {
    throw new Error('no channel is called here');
  },
  subscribe: () => () => undefined,
};

describe('host capabilities on window.api', () => {
  it('a browser client knows no path for a dropped file', () => {
    const api = createApi(unusedTransport);
    expect(api.pathForFile(new File(['x'], 'hero.png'))).toBeNull();
  });

  it('the host (the Electron preload) answers for the files it knows', () => {
    const known = new File(['x'], 'hero.png');
    const api = createApi(unusedTransport, { pathForFile: (file) => (file === known ? '/art/hero.png' : null) });
    expect(api.pathForFile(known)).toBe('/art/hero.png');
    expect(api.pathForFile(new File(['x'], 'made-in-page.png'))).toBeNull();
  });
});
