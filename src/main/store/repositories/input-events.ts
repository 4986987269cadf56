import type { StoreContext } from '../context';

/** A dropped file the engine did not generate from, recorded under its own name. */
export interface DuplicateEvent {
  id: number;
  /** Where the copy was dropped, and its own name. */
  path: string;
  fileName: string;
  folderId: number | null;
  inputId: number;
  presetVersionId: number;
  presetName: string;
  /** The generation it duplicates (null once that one is purged). */
  duplicateOf: number | null;
  message: string;
  createdAt: number;
}

export interface DuplicateDraft {
  path: string;
  fileName: string;
  folderId: number | null;
  inputId: number;
  presetVersionId: number;
  duplicateOf: number;
  message: string;
}

export interface DuplicateQuery {
  /** Words the file name, path or preset name must contain. */
  search?: string;
  presetId?: number;
  createdFrom?: number;
  createdBefore?: number;
  limit: number;
}

interface DuplicateRow {
  id: number;
  path: string;
  file_name: string;
  folder_id: number | null;
  input_id: number;
  preset_version_id: number;
  preset_name: string;
  duplicate_of: number | null;
  message: string;
  created_at: number;
}

/** Events of dropped files that made no generation: today, duplicates of what was already generated. */
export function createInputEventsRepository({ db, now }: StoreContext) {
  const insert = db.prepare<[string, string, number | null, number, number, number, string, number], never>(`
    INSERT INTO input_events (kind, path, file_name, folder_id, input_id, preset_version_id, duplicate_of, message, created_at)
    VALUES ('duplicate', ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare<[number | bigint], DuplicateRow>(`${SELECT} WHERE e.id = ?`);

  return {
    recordDuplicate(draft: DuplicateDraft): DuplicateEvent {
      const { lastInsertRowid } = insert.run(draft.path, draft.fileName, draft.folderId, draft.inputId, draft.presetVersionId, draft.duplicateOf, draft.message, now());
      return toDuplicate(byId.get(lastInsertRowid) as DuplicateRow);
    },
    /** Newest first. A search matches every word (case-insensitive) in the name, the path or the preset's name. */
    listDuplicates(query: DuplicateQuery): DuplicateEvent[] {
      const where: string[] = [];
      const values: (string | number)[] = [];
      for (const word of (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
        where.push(`instr(lower(e.file_name || ' ' || e.path || ' ' || pv.name), ?) > 0`);
        values.push(word);
      }
      if (query.presetId !== undefined) {
        where.push('pv.preset_id = ?');
        values.push(query.presetId);
      }
      if (query.createdFrom !== undefined) {
        where.push('e.created_at >= ?');
        values.push(query.createdFrom);
      }
      if (query.createdBefore !== undefined) {
        where.push('e.created_at < ?');
        values.push(query.createdBefore);
      }
      const sql = `${SELECT}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY e.created_at DESC, e.id DESC LIMIT ?`;
      return db
        .prepare<(string | number)[], DuplicateRow>(sql)
        .all(...values, query.limit)
        .map(toDuplicate);
    },
  };
}

const SELECT = `SELECT e.id, e.path, e.file_name, e.folder_id, e.input_id, e.preset_version_id, pv.name AS preset_name, e.duplicate_of, e.message, e.created_at
  FROM input_events e JOIN preset_versions pv ON pv.id = e.preset_version_id`;

function toDuplicate(row: DuplicateRow): DuplicateEvent {
  return {
    id: row.id,
    path: row.path,
    fileName: row.file_name,
    folderId: row.folder_id,
    inputId: row.input_id,
    presetVersionId: row.preset_version_id,
    presetName: row.preset_name,
    duplicateOf: row.duplicate_of,
    message: row.message,
    createdAt: row.created_at,
  };
}
