/**
 * Control-image uploads, shared: the generations of one file (one per preset) share its upload,
 * and later generations from the same bytes (reproductions, variations) name the asset already
 * uploaded, so a reproduction sends the very same body. An asset the connection answered "not
 * found" for is never named again; a generation re-uploads for that reason once.
 */
export class SharedUploads {
  /** Uploads on their way, by input. */
  readonly #pending = new Map<number, Promise<string>>();
  readonly #unknownAssets = new Set<string>();
  readonly #uploadedAgain = new Set<number>();

  /**
   * The asset id of this input's control image: an upload on its way, a known asset (`known`, for
   * assets not refused), or a new upload (`upload`).
   */
  async assetFor(inputId: number, known: (usable: (assetId: string) => boolean) => string | null, upload: () => Promise<string>): Promise<string> {
    let pending = this.#pending.get(inputId);
    if (pending === undefined) {
      const existing = known((assetId) => !this.#unknownAssets.has(assetId));
      pending = existing !== null ? Promise.resolve(existing) : upload();
      this.#pending.set(inputId, pending);
    }
    try {
      return await pending;
    } finally {
      // From here to the committed row nothing awaits: a later generation finds the asset in the history.
      if (this.#pending.get(inputId) === pending) this.#pending.delete(inputId);
    }
  }

  /**
   * Scenario did not know `assetId` when this generation named it: true the first time (upload
   * again), false after (the refusal is real).
   */
  refusedAsset(generationId: number, assetId: string): boolean {
    if (this.#uploadedAgain.has(generationId)) {
      this.#uploadedAgain.delete(generationId);
      return false;
    }
    this.#uploadedAgain.add(generationId);
    this.#unknownAssets.add(assetId);
    return true;
  }

  /** The generation was accepted: a later refusal of its asset is a new story. */
  accepted(generationId: number): void {
    this.#uploadedAgain.delete(generationId);
  }
}
