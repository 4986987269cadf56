import type { StoreContext } from '../context';
import { toInput } from '../rows';
import type { InputRow } from '../rows';
import type { Input } from '../types';

export interface InputDraft {
  sha256: string;
  originalPath: string;
  fileName: string;
  libraryRelPath: string;
  bytes: number;
  width?: number | null;
  height?: number | null;
  format?: string | null;
  /** A map made from this photo input, showing this modality. */
  source?: { inputId: number; modality: string };
}

export function createInputsRepository({ db, now }: StoreContext) {
  // The first sighting of some bytes wins: a later copy under another name is the same input.
  const insert = db.prepare<[string, string, string, string, number, number | null, number | null, string | null, number, number | null, string | null], never>(`
    INSERT INTO inputs (sha256, original_path, file_name, library_rel_path, bytes, width, height, format, created_at, source_input_id, map_modality)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`);
  const mapOf = db.prepare<[number, string], InputRow>('SELECT * FROM inputs WHERE source_input_id = ? AND map_modality = ? ORDER BY id LIMIT 1');
  const bySha256 = db.prepare<[string], InputRow>('SELECT * FROM inputs WHERE sha256 = ?');
  const byId = db.prepare<[number], InputRow>('SELECT * FROM inputs WHERE id = ?');

  return {
    upsertBySha256: db.transaction((draft: InputDraft): { input: Input; created: boolean } => {
      const { changes } = insert.run(
        draft.sha256,
        draft.originalPath,
        draft.fileName,
        draft.libraryRelPath,
        draft.bytes,
        draft.width ?? null,
        draft.height ?? null,
        draft.format ?? null,
        now(),
        draft.source?.inputId ?? null,
        draft.source?.modality ?? null,
      );
      const row = bySha256.get(draft.sha256);
      if (!row) throw new Error(`input ${draft.sha256} vanished inside its own transaction`);
      return { input: toInput(row), created: changes === 1 };
    }),
    get(id: number): Input | null {
      const row = byId.get(id);
      return row ? toInput(row) : null;
    },
    /** The map already made from this photo for this modality, if any (made once, reused). */
    mapOf(photoInputId: number, modality: string): Input | null {
      const row = mapOf.get(photoInputId, modality);
      return row ? toInput(row) : null;
    },
    getBySha256(sha256: string): Input | null {
      const row = bySha256.get(sha256);
      return row ? toInput(row) : null;
    },
  };
}

export type InputsRepository = ReturnType<typeof createInputsRepository>;
