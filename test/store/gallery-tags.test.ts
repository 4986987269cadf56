import { describe, expect, it } from 'vitest';
import { storePerTest } from './fixtures';

const setup = storePerTest();

describe('tags on gallery pages', () => {
  it('gives every item of a page its own tags, alphabetical, and none to untagged ones', () => {
    const { store, generate } = setup();
    const [plain, hero, both] = [generate(), generate(), generate()];
    store.organise.tag([hero!.id, both!.id], ['hero']);
    store.organise.tag([both!.id], ['Alpha', 'keep']);

    const items = store.galleryPage({ limit: 10 }).items;
    const tagsOf = (id: number) => items.find((item) => item.id === id)?.tags;
    expect(tagsOf(plain!.id)).toEqual([]);
    expect(tagsOf(hero!.id)).toEqual(['hero']);
    expect(tagsOf(both!.id)).toEqual(['Alpha', 'hero', 'keep']);
    // Searches build their pages the same way.
    expect(store.galleryPage({ search: 'keep', limit: 10 }).items.map((item) => item.tags)).toEqual([['Alpha', 'hero', 'keep']]);
  });

  it('reads the tags of the page only: a later page brings its own', () => {
    const { store, generate } = setup();
    const older = generate();
    const newer = generate();
    store.organise.tag([older.id], ['archive']);
    store.organise.tag([newer.id], ['fresh']);

    const first = store.galleryPage({ limit: 1 });
    expect(first.items.map((item) => [item.id, item.tags])).toEqual([[newer.id, ['fresh']]]);
    const second = store.galleryPage({ cursor: first.nextCursor, limit: 1 });
    expect(second.items.map((item) => [item.id, item.tags])).toEqual([[older.id, ['archive']]]);
  });
});
