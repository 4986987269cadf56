// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { splitTags } from '../../src/renderer/common/TagInput';
import { DetailPanel } from '../../src/renderer/detail/DetailPanel';
import { createFakeEngine, generation, generationDetail } from './fake-engine';
import { renderWithEngine } from './render';

afterEach(cleanup);

describe('tags typed at once', () => {
  it('splits on commas, trims, and keeps one copy whatever the case', () => {
    expect(splitTags(' hero, keep ,,castle, Hero ')).toEqual(['hero', 'keep', 'castle']);
    expect(splitTags(' , ')).toEqual([]);
  });
});

describe('sorting in the detail panel', () => {
  it('removes a tag with its ×, adds several typed with commas, offers known tags, and rates with the stars', async () => {
    let tags = ['castle', 'keep'];
    const engine = createFakeEngine({
      'generations.page': async () => ({ items: [generation('g1', { tags })], nextCursor: null }),
      'generations.facets': async () => ({
        total: 1, presets: [], models: [], families: [], modalities: [], folders: [], states: [], favourites: 0,
        tags: ['castle', 'keep', 'portfolio'].map((value) => ({ value, label: value, count: 1 })),
      }),
      'generations.detail': async ({ id }) => generationDetail(id, { tags }),
      'generations.untag': async ({ tag }) => {
        tags = tags.filter((known) => known !== tag);
      },
      'generations.tag': async ({ tag }) => {
        tags = [...tags, tag].sort();
      },
      'generations.setRating': async () => undefined,
    });
    const { stores } = renderWithEngine(engine, <DetailPanel />);
    await act(() => stores.gallery.getState().reload());
    act(() => stores.gallery.getState().openDetail('g1'));
    const chips = await screen.findByRole('list', { name: 'Tags' });
    expect(within(chips).getAllByRole('listitem').map((chip) => chip.textContent)).toEqual(['castle×', 'keep×']);

    fireEvent.click(within(chips).getByRole('button', { name: 'Remove tag keep' }));
    await waitFor(() => expect(engine.callsTo('generations.untag')).toEqual([{ ids: ['g1'], tag: 'keep' }]));
    await waitFor(() => expect(within(chips).getAllByRole('listitem').map((chip) => chip.textContent)).toEqual(['castle×']));
    expect(stores.gallery.getState().items[0]?.tags).toEqual(['castle']);

    // Known tags not already on it are offered as the person types.
    const input = screen.getByLabelText('Add tags');
    const offered = document.getElementById(input.getAttribute('list') ?? '');
    expect([...(offered?.querySelectorAll('option') ?? [])].map((option) => option.value)).toEqual(['keep', 'portfolio']);
    fireEvent.change(input, { target: { value: 'hero, portfolio' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add 2 tags' }));
    await waitFor(() => expect(engine.callsTo('generations.tag')).toEqual([{ ids: ['g1'], tag: 'hero' }, { ids: ['g1'], tag: 'portfolio' }]));
    await waitFor(() => expect(stores.gallery.getState().items[0]?.tags).toEqual(['castle', 'hero', 'portfolio']));

    fireEvent.click(within(screen.getByRole('radiogroup', { name: 'Rating' })).getByRole('radio', { name: '4 stars' }));
    await waitFor(() => expect(engine.callsTo('generations.setRating')).toEqual([{ id: 'g1', rating: 4 }]));
    expect(screen.getByRole('radio', { name: '4 stars' }).getAttribute('aria-checked')).toBe('true');
  });
});
