import { readFile } from 'node:fs/promises';
import { MODEL_FAMILIES, validatePreset } from '../../shared/preset';
import type { ModelFamily } from '../../shared/preset';
import type { PresetImportResult, Store } from '../store';
import { writeFileAtomic } from './atomic';
import { LibraryError, toLibraryError } from './errors';

/**
 * Presets travel as JSON files (the store's export document). On import every preset is checked
 * with the shared preset schema before the store sees the file, so a hand-edited or foreign file
 * is refused with the preset and field at fault, and nothing is imported.
 */
export async function exportPresetsToFile(store: Pick<Store, 'presets'>, filePath: string, presetIds?: readonly number[]): Promise<number> {
  const document = store.presets.exportPresets(presetIds);
  await writeFileAtomic(filePath, Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8'));
  return document.presets.length;
}

function invalidFile(filePath: string, why: string): LibraryError {
  return new LibraryError('invalid-preset', `${JSON.stringify(filePath)} cannot be imported: ${why}. Nothing was imported.`);
}

function isModelFamily(family: unknown): family is ModelFamily {
  return MODEL_FAMILIES.some((known) => known === family);
}

export async function importPresetsFromFile(store: Pick<Store, 'presets'>, filePath: string): Promise<PresetImportResult[]> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw toLibraryError(error, 'read', filePath);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw invalidFile(filePath, 'it is not valid JSON');
  }
  const entries = typeof document === 'object' && document !== null && 'presets' in document ? document.presets : undefined;
  if (!Array.isArray(entries)) throw invalidFile(filePath, 'it is not a preset export from Scenario Hot Folder');
  for (const [index, entry] of entries.entries()) {
    const fields = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const label = typeof fields.name === 'string' ? `preset "${fields.name}"` : `preset number ${index + 1}`;
    const validation = validatePreset(fields.preset, { family: isModelFamily(fields.family) ? fields.family : undefined });
    if (!validation.ok) {
      const issue = validation.issues[0];
      throw invalidFile(filePath, `${label} is not valid${issue ? ` (${issue.field}: ${issue.message})` : ''}`);
    }
  }
  // The store checks the envelope (format, version) and imports all or nothing.
  return store.presets.importPresets(document);
}
