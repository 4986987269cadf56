const DEFAULT_LIMITS = { bytes: 16 * 1024 * 1024, entries: 4096 };

/**
 * The bytes of inputs this run has just taken in and not uploaded yet, so validation and upload
 * need not read the library copy again (the same bytes were written there). An entry also means
 * no upload of that input exists yet. A hint only: without an entry, read the disk and the
 * history. Bounded; when full, new inputs are not kept rather than old ones dropped, because the
 * queue works on the oldest first.
 */
export class TakenInInputs {
  readonly #entries = new Map<number, Buffer>();
  readonly #limits: { bytes: number; entries: number };
  #bytes = 0;

  constructor(limits: { bytes: number; entries: number } = DEFAULT_LIMITS) {
    this.#limits = limits;
  }

  keep(inputId: number, contents: Buffer): void {
    if (this.#entries.has(inputId) || this.#entries.size >= this.#limits.entries || this.#bytes + contents.length > this.#limits.bytes) return;
    this.#entries.set(inputId, contents);
    this.#bytes += contents.length;
  }

  get(inputId: number): Buffer | undefined {
    return this.#entries.get(inputId);
  }

  forget(inputId: number): void {
    const contents = this.#entries.get(inputId);
    if (contents === undefined) return;
    this.#entries.delete(inputId);
    this.#bytes -= contents.length;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
