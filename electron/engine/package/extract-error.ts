// How a verify-and-extract fails: the kind decides the catalog error (an invalid package, a full disk, I/O, a cancel).

export type ExtractFailureKind = 'invalid-package' | 'disk-full' | 'io' | 'cancelled';

export class ExtractError extends Error {
  constructor(
    readonly kind: ExtractFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface ExtractProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
}
