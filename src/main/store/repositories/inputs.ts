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
}

export function createInputsRepository({ db, now }: StoreContext) {
  // The first sighting of some bytes wins: a later copy under another name is the same input.
  const insert = db.prepare<[string, string, string, string, number, number | null, number | null, string | null, number], never>(`
    INSERT INTO inputs (sha256, original_path, file_name, library_rel_path, bytes, width, height, format, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`);
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
      );
      const row = bySha256.get(draft.sha256);
      if (!row) throw new Error(`input ${draft.sha256} vanished inside its own transaction`);
      return { input: toInput(row), created: changes === 1 };
    }),
    get(id: number): Input | null {
      const row = byId.get(id);
      return row ? toInput(row) : null;
    },
    getBySha256(sha256: string): Input | null {
      const row = bySha256.get(sha256);
      return row ? toInput(row) : null;
    },
  };
}

export type InputsRepository = ReturnType<typeof createInputsRepository>;
