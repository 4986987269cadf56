import { afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/main/store';
import type { Store } from '../../src/main/store';

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A settable clock: every test controls time explicitly. */
export function fakeClock(start = Date.UTC(2025, 0, 15, 12, 0, 0)) {
  let time = start;
  return {
    now: () => time,
    set(value: number) {
      time = value;
    },
    advance(ms: number) {
      time += ms;
    },
  };
}

/** A store in a temp dir with one preset and one input, enough to create generations. */
export function storeWithBasics(clock = fakeClock()) {
  const { dir, cleanup } = tempDir();
  const store = openStore({ file: join(dir, 'history.sqlite'), now: clock.now });
  const preset = store.presets.create({ name: 'Sketch to render', family: 'sd-xl', preset: { prompt: 'a castle', modality: 'canny' } });
  const { input } = store.inputs.upsertBySha256({
    sha256: 'a'.repeat(64),
    originalPath: '/watch/IMG_0042.png',
    fileName: 'IMG_0042.png',
    libraryRelPath: 'inputs/aa/aaaa.png',
    bytes: 1234,
    width: 1024,
    height: 768,
    format: 'png',
  });
  return {
    dir,
    store,
    preset,
    input,
    clock,
    /** A generation with sensible defaults; override what the test is about. */
    generate(overrides: Partial<Parameters<Store['generations']['create']>[0]> = {}) {
      return store.generations.create({
        inputId: input.id,
        presetVersionId: preset.currentVersion.id,
        kind: 'hotfolder',
        requestJson: JSON.stringify({ modelId: 'model_abc', prompt: 'a castle', modality: 'canny', seed: '42' }),
        seed: '42',
        modelId: 'model_abc',
        modelName: 'Realvis XL',
        family: 'sd-xl',
        modality: 'canny',
        prompt: 'a castle on a hill',
        ...overrides,
      });
    },
    close() {
      store.close();
      cleanup();
    },
  };
}

/** One `storeWithBasics` per test, closed after it: call `setup()` inside the test. */
export function storePerTest(): () => ReturnType<typeof storeWithBasics> {
  let opened: ReturnType<typeof storeWithBasics> | undefined;
  afterEach(() => {
    opened?.close();
    opened = undefined;
  });
  return () => {
    opened = storeWithBasics();
    return opened;
  };
}
