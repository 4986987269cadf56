import { describe, expect, it } from 'vitest';
import { toMatchExpression } from '../../src/main/store';
import { storePerTest } from './fixtures';

const setup = storePerTest();

describe('keyset paging', () => {
  it('visits every item exactly once, newest first, across runs of equal timestamps', () => {
    const { store, generate, clock } = setup();
    const ids: number[] = [];
    for (let i = 0; i < 23; i += 1) {
      if (i % 5 === 0) clock.advance(1000); // groups of five share a created_at
      ids.push(generate().id);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = store.galleryPage({ cursor, limit: 4 });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect(() => store.galleryPage({ cursor: 'garbage', limit: 4 })).toThrow(expect.objectContaining({ code: 'invalid-cursor' }));
  });

  it('pages a search in the same newest-first order as browsing, with filters and a clock that stepped back', () => {
    const { store, generate, clock } = setup();
    for (let i = 0; i < 23; i += 1) {
      if (i % 5 === 0) clock.advance(1000);
      if (i === 12) clock.advance(-60_000); // the wall clock was corrected mid-session
      const generation = generate({ prompt: i % 3 === 0 ? 'a lighthouse at dusk' : 'a lightning storm' });
      if (i % 2 === 0) store.organise.setFavourite([generation.id], true);
      if (i % 4 !== 1) store.organise.tag([generation.id], ['keep']);
    }
    const walk = (query: { search?: string; filters?: { favourite?: boolean; tag?: string } }) => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = store.galleryPage({ ...query, cursor, limit: 4 });
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const browsed = walk({});
    expect(walk({ search: 'lig' })).toEqual(browsed);
    const favourites = walk({ filters: { favourite: true } });
    expect(favourites).toHaveLength(12);
    expect(walk({ search: 'lig', filters: { favourite: true } })).toEqual(favourites);
    const lighthouses = walk({ search: 'lighthouse' });
    expect(lighthouses).toEqual(browsed.filter((id) => store.generations.get(id)?.prompt.includes('lighthouse')));
    expect(lighthouses).toHaveLength(8);
    // A tag's generations are walked through its own index, in the same order.
    const kept = walk({ filters: { tag: 'keep' } });
    expect(kept).toEqual(browsed.filter((id) => store.galleryPage({ limit: 500 }).items.find((item) => item.id === id)?.tags.includes('keep')));
    expect(kept).toHaveLength(17);
    expect(walk({ filters: { tag: 'keep', favourite: true } })).toEqual(favourites.filter((id) => kept.includes(id)));
    expect(walk({ search: 'lig', filters: { tag: 'keep' } })).toEqual(kept);
  });

  it('never dates a generation before the previous one, so id order stays creation order', () => {
    const { generate, clock } = setup();
    const first = generate();
    clock.advance(-60_000);
    const second = generate();
    expect(second.createdAt).toBe(first.createdAt);
    clock.advance(120_000);
    expect(generate().createdAt).toBe(first.createdAt + 60_000);
  });

  it('returns the first image, image count and input file name', () => {
    const { store, generate } = setup();
    const generation = generate();
    store.images.add(generation.id, { idx: 1, relPath: 'out/b.png' });
    const first = store.images.add(generation.id, { idx: 0, relPath: 'out/a.png', width: 1024, height: 1024 });
    store.images.setThumbnail(first.id, 'thumbs/a.webp');
    store.images.markMissing([first.id]);
    const [item] = store.galleryPage({ limit: 1 }).items;
    expect(item).toMatchObject({
      imageCount: 2,
      inputFileName: 'IMG_0042.png',
      presetName: 'Sketch to render',
      firstImage: { id: first.id, relPath: 'out/a.png', thumbRelPath: 'thumbs/a.webp', missing: true, width: 1024 },
    });
  });
});

describe('filters and search', () => {
  function library() {
    const context = setup();
    const { store, generate } = context;
    const flux = store.presets.create({ name: 'Depth Flux', family: 'flux', preset: {} });
    const castle = generate({ prompt: 'a castle on a hill at sunset', negativePrompt: 'blurry' });
    const robot = generate({
      prompt: 'a chrome robot, studio light',
      presetVersionId: flux.currentVersion.id,
      modelId: 'model_flux',
      modelName: 'Flux Dev',
      family: 'flux',
      modality: 'depth',
      state: 'failed',
    });
    const forest = generate({ prompt: 'misty forest path', modality: 'depth' });
    store.organise.tag([robot.id, forest.id], ['Portfolio']);
    store.organise.setFavourite([castle.id], true);
    store.organise.setRating([forest.id], 4);
    return { ...context, flux, castle, robot, forest };
  }
  const ids = (page: { items: { id: number }[] }) => page.items.map((item) => item.id);

  it('filters by each dimension', () => {
    const { store, flux, castle, robot, forest } = library();
    expect(ids(store.galleryPage({ filters: { presetId: flux.id }, limit: 10 }))).toEqual([robot.id]);
    expect(ids(store.galleryPage({ filters: { modelId: 'model_abc' }, limit: 10 }))).toEqual([forest.id, castle.id]);
    expect(ids(store.galleryPage({ filters: { family: 'flux' }, limit: 10 }))).toEqual([robot.id]);
    expect(ids(store.galleryPage({ filters: { modality: 'depth' }, limit: 10 }))).toEqual([forest.id, robot.id]);
    expect(ids(store.galleryPage({ filters: { states: ['failed', 'canceled'] }, limit: 10 }))).toEqual([robot.id]);
    expect(ids(store.galleryPage({ filters: { favourite: true }, limit: 10 }))).toEqual([castle.id]);
    expect(ids(store.galleryPage({ filters: { minRating: 3 }, limit: 10 }))).toEqual([forest.id]);
    expect(ids(store.galleryPage({ filters: { tag: 'portfolio' }, limit: 10 }))).toEqual([forest.id, robot.id]);
    expect(ids(store.galleryPage({ filters: { tag: 'portfolio', modality: 'depth', family: 'sd-xl' }, limit: 10 }))).toEqual([forest.id]);
  });

  it('stacks reproductions and variations under the live generation they came from', () => {
    const { store, castle, forest } = library();
    const reproduction = store.generations.createReproduction(castle.id);
    const variation = store.generations.createReproduction(castle.id, { varySeed: '7' });
    const ofForest = store.generations.createReproduction(forest.id);
    const stackOf = (page: { items: { id: number; stackSize: number; parentId: number | null }[] }) => page.items.map((item) => [item.id, item.stackSize, item.parentId]);
    // Not stacked: every generation, each parent counting its live versions.
    expect(ids(store.galleryPage({ limit: 20 }))).toEqual(expect.arrayContaining([reproduction.id, variation.id, ofForest.id, castle.id]));
    const stacked = store.galleryPage({ limit: 20, stacked: true });
    expect(ids(stacked)).not.toContain(reproduction.id);
    expect(ids(stacked)).not.toContain(variation.id);
    expect(stackOf(stacked)).toEqual(expect.arrayContaining([[castle.id, 2, null], [forest.id, 1, null]]));
    // Stacked within a search or a filter too.
    expect(ids(store.galleryPage({ search: 'castle', limit: 20, stacked: true }))).toEqual([castle.id]);
    // A version whose parent is in the trash stands on its own again; the trashed one leaves the stack.
    store.trash.softDelete([forest.id]);
    store.trash.softDelete([variation.id]);
    const after = store.galleryPage({ limit: 20, stacked: true });
    expect(ids(after)).toContain(ofForest.id);
    expect(stackOf(after)).toEqual(expect.arrayContaining([[castle.id, 1, null], [ofForest.id, 0, forest.id]]));
  });

  it('searches prompts by prefix, tags, file names, preset and model names', () => {
    const { store, castle, robot, forest } = library();
    const search = (text: string) => ids(store.galleryPage({ search: text, limit: 10 }));
    expect(search('cast')).toEqual([castle.id]);
    expect(search('CASTLE sun')).toEqual([castle.id]);
    expect(search('castle ')).toEqual([castle.id]);
    expect(search('blurry')).toEqual([castle.id]);
    expect(search('portfolio')).toEqual([forest.id, robot.id]);
    expect(search('IMG_0042')).toEqual([forest.id, robot.id, castle.id]);
    expect(search('depth flux')).toEqual([robot.id]);
    expect(search('castle robot')).toEqual([]);
    // Untagging updates the index through the triggers.
    store.organise.untag([robot.id], ['Portfolio']);
    expect(search('portfolio')).toEqual([forest.id]);
    expect(store.organise.listTags()).toEqual([{ id: expect.any(Number), name: 'Portfolio', count: 1 }]);
  });

  it('treats FTS5 syntax in user text as plain words', () => {
    const { store, castle } = library();
    for (const text of ['"', 'castle"', 'AND', 'OR castle', 'NOT', '-castle', 'castle*', '(castle', 'prompt:castle', 'NEAR(a b)', '^', '***', '" OR "', "'; DROP TABLE generations; --"]) {
      expect(() => store.galleryPage({ search: text, limit: 10 })).not.toThrow();
    }
    expect(ids(store.galleryPage({ search: 'castle*', limit: 10 }))).toEqual([castle.id]);
    expect(toMatchExpression('   ')).toBeNull();
    expect(toMatchExpression('a "quoted" term')).toBe('"a" """quoted""" "term"*');
  });

  it('matches a one-letter last word as a whole word, never as a prefix of nearly every word', () => {
    const { store, castle } = library();
    expect(toMatchExpression('c')).toBe('"c"');
    expect(toMatchExpression('castle s')).toBe('"castle" "s"');
    expect(toMatchExpression('castle su')).toBe('"castle" "su"*');
    expect(toMatchExpression('castle -s')).toBe('"castle" "-s"');
    expect(ids(store.galleryPage({ search: 'c', limit: 10 }))).toEqual([]);
    expect(ids(store.galleryPage({ search: 'ca', limit: 10 }))).toEqual([castle.id]);
  });

  it('counts facets for the current filter set', () => {
    const { store, flux } = library();
    const all = store.facetCounts({});
    expect(all.total).toBe(3);
    expect(all.favourites).toBe(1);
    expect(all.presets).toEqual([
      { value: expect.any(Number), label: 'Sketch to render', count: 2 },
      { value: flux.id, label: 'Depth Flux', count: 1 },
    ]);
    expect(all.families).toEqual([
      { value: 'sd-xl', label: 'sd-xl', count: 2 },
      { value: 'flux', label: 'flux', count: 1 },
    ]);
    expect(all.models.map((m) => [m.label, m.count])).toEqual([
      ['Realvis XL', 2],
      ['Flux Dev', 1],
    ]);
    expect(all.tags).toEqual([{ value: 'Portfolio', label: 'Portfolio', count: 2 }]);
    const depth = store.facetCounts({ filters: { modality: 'depth' }, search: 'forest' });
    expect(depth.total).toBe(1);
    expect(depth.states).toEqual([{ value: 'detected', label: 'detected', count: 1 }]);
  });

  it('names a model no generation recorded a name for by the model list last seen, never by its id alone when a name is known', () => {
    const { store, generate } = setup();
    generate({ modelId: 'model_nameless', modelName: null });
    expect(store.facetCounts({}).models.map((model) => model.label)).toEqual(['model_nameless']);
    store.models.replaceAll([{ modelId: 'model_nameless', model: { id: 'model_nameless', name: 'Clay Realism' } }]);
    expect(store.facetCounts({}).models.map((model) => model.label)).toEqual(['Clay Realism']);
  });
});

describe('trash', () => {
  it('soft-deletes as an undoable batch and purges old rows, returning their files', () => {
    const { store, generate, clock, input } = setup();
    const keep = generate();
    const gone = generate();
    const image = store.images.add(gone.id, { idx: 0, relPath: 'out/gone.png' });
    store.images.setThumbnail(image.id, 'thumbs/gone.webp');

    const { batchId, count } = store.trash.softDelete([gone.id]);
    expect(count).toBe(1);
    expect(store.galleryPage({ limit: 10 }).items.map((i) => i.id)).toEqual([keep.id]);
    expect(store.galleryPage({ filters: { trashed: true }, limit: 10 }).items.map((i) => i.id)).toEqual([gone.id]);
    expect(store.trash.undo(batchId)).toEqual({ generations: 1, images: 0 });
    expect(store.galleryPage({ limit: 10 }).items).toHaveLength(2);
    expect(() => store.trash.undo(batchId)).toThrow(expect.objectContaining({ code: 'not-found' }));

    store.trash.softDelete([gone.id]);
    clock.advance(2 * 24 * 3600 * 1000);
    expect(store.trash.purge(7)).toEqual({ generations: 0, images: 0, filePaths: [] });
    clock.advance(6 * 24 * 3600 * 1000);
    expect(store.trash.purge(7)).toEqual({ generations: 1, images: 0, filePaths: ['out/gone.png', 'thumbs/gone.webp'] });
    expect(store.generations.get(gone.id)).toBeNull();
    expect(store.galleryPage({ search: 'castle', limit: 10 }).items.map((i) => i.id)).toEqual([keep.id]);
    expect(store.trash.list()).toEqual([]);

    // The input copy goes once no generation uses it any more.
    store.trash.softDelete([keep.id]);
    clock.advance(8 * 24 * 3600 * 1000);
    expect(store.trash.purge(7).filePaths).toEqual([input.libraryRelPath]);
    expect(store.inputs.get(input.id)).toBeNull();
  });
});
