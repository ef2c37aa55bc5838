import { Worker } from 'node:worker_threads';
import { constants as fsConstants } from 'node:fs';
import { availableParallelism } from 'node:os';
import { WRITER_THREAD_SOURCE } from './file-writer-thread';

// File creation is the cost of small-file installs: Node spends ~16 us of main-thread time per
// open+write+close, more than GNU tar's whole per-file budget. Writer threads take those syscalls off the
// thread that inflates and parses (and check the sha256 of each file given a digest), so both cores work.
// Batches travel as transferred ArrayBuffers (no copy), with ops as a flat typed array, and the number of
// bytes in flight is bounded to keep memory flat.

const OP_WHOLE_FILE = 0;
const OP_OPEN = 1;
const OP_WRITE = 2;
const OP_CLOSE = 3;

/** This process's umask. Reading it needs setting it; it is restored at once, before any file is created. */
export function readUmask(): number {
  const mask = process.umask(0o022);
  process.umask(mask);
  return mask;
}

export interface WriterFailure {
  readonly code: string;
  readonly message: string;
  readonly path: string;
  /** The tag of the file whose content did not match its digest (code EHASH). */
  readonly tag?: number;
}

/** A file's expected sha256, checked by the writer thread from the bytes it writes; tag names it in a failure. */
export interface WriteCheck {
  readonly sha256: Buffer;
  readonly tag: number;
}

export class WriterError extends Error {
  constructor(readonly failure: WriterFailure) {
    super(`${failure.code}: ${failure.message}`);
  }
}

/**
 * How many writer threads a package gets. One writer's open+write+close per file costs about what GNU tar
 * spends on a whole small file, so on packages of many small files one writer is the bottleneck (100,000
 * files of ~150 bytes: 1.25-1.35x tar's time with one, ~1.05x with two). On packages of large files a second
 * writer only competes with the thread that inflates and hashes (2,000 files of 340 KiB onto a disk: 0.70x
 * tar with one, 0.89x with two). So: two on two cores or more, for 1,000 files or more averaging under 64 KiB.
 */
export function writerThreadsFor(manifest: { readonly payloadFiles: number; readonly payloadBytes: number }): number {
  const smallFiles = manifest.payloadFiles >= 1000 && manifest.payloadBytes / manifest.payloadFiles < 64 * 1024;
  return smallFiles ? Math.min(2, availableParallelism()) : 1;
}

export interface FileWriterOptions {
  readonly threads: number;
  /** Batch size; each batch is one transfer to a worker. */
  readonly batchBytes?: number;
  /** Bytes queued to workers before write() callers are asked to wait. */
  readonly highWaterBytes?: number;
  /** Told of each batch's bytes once a worker has written them. */
  readonly onWritten?: (bytes: number) => void;
}

// Paths travel as UTF-8 bytes inside the batch buffer and ops as numbers in a typed array, both transferred
// and recycled, so the main thread keeps no per-file strings or growing arrays alive until a batch is sent;
// those would outlive a few young-generation collections and be promoted to the old generation as garbage
// (a plain array of ops did: ~10 MB of peak heap on 100,000 small files).
interface Batch {
  buffer: Buffer;
  used: number;
  ops: Int32Array;
  opCount: number;
}

interface WriterThread {
  readonly worker: Worker;
  batch: Batch | undefined;
}

type WriterMessage = { type: string; bytes?: number; buffer?: ArrayBuffer; ops?: ArrayBuffer } & Partial<WriterFailure>;

function pushOps(batch: Batch, ...values: number[]): void {
  batch.ops.set(values, batch.opCount);
  batch.opCount += values.length;
}

/** Puts a file's expected digest into the batch; returns where it is, or -1 (the op's "not checked"). */
function appendDigest(batch: Batch, check: WriteCheck | undefined): number {
  if (!check) return -1;
  const at = batch.used;
  batch.used += check.sha256.copy(batch.buffer, at);
  return at;
}

export interface OpenFile {
  readonly thread: number;
  readonly id: number;
  readonly mode: number;
}

// O_EXCL: a file is only ever created, never opened through something already at the path.
const CREATE_FLAGS = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL;
const MAX_OPS_PER_BATCH = 4096;
/** The longest op (a whole file) takes 9 numbers: a batch is flushed before it could run out of room. */
const MAX_OP_LENGTH = 9;
const DIGEST_BYTES = 32;

export class FileWriterPool {
  private readonly threads: WriterThread[];
  private readonly batchBytes: number;
  private readonly highWater: number;
  private readonly umask: number;
  private readonly onWritten: ((bytes: number) => void) | undefined;
  private inFlight = 0;
  private nextThread = 0;
  private nextId = 1;
  private failure: WriterFailure | undefined;
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private closed = false;
  /** Batch buffers come back from the workers and are reused, so a long install allocates no new ones. */
  private readonly spare: Buffer[] = [];
  private readonly spareOps: Int32Array[] = [];

  constructor(options: FileWriterOptions) {
    this.batchBytes = options.batchBytes ?? 256 * 1024;
    this.highWater = options.highWaterBytes ?? 2 * 1024 * 1024;
    this.onWritten = options.onWritten;
    this.umask = readUmask();
    this.threads = [];
    this.growTo(Math.max(1, options.threads));
  }

  /** Adds writer threads up to `count` (never removes any); files are spread over all of them from then on. */
  growTo(count: number): void {
    while (this.threads.length < count && !this.closed) {
      // A small young generation: the writer's garbage (one path string per file) is collected early instead of
      // growing the heap; its live data is a few descriptors.
      const worker = new Worker(WRITER_THREAD_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
      worker.on('message', (message: WriterMessage) => this.onMessage(message));
      worker.on('error', (error) => this.fail({ code: 'EWORKER', message: error.message, path: '' }));
      this.threads.push({ worker, batch: undefined });
    }
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }

  /** Whether a chmod is needed after creation because the umask would strip bits of the mode. */
  private needsChmod(mode: number): number {
    return (mode & ~this.umask) === mode ? 0 : 1;
  }

  writeWholeFile(path: string, mode: number, data: Buffer, check?: WriteCheck): void {
    this.throwIfFailed();
    const index = this.pickThread();
    const thread = this.threads[index] as WriterThread;
    const pathBytes = Buffer.byteLength(path);
    const checkBytes = check ? DIGEST_BYTES : 0;
    if (data.length + pathBytes + checkBytes <= this.batchBytes) {
      const batch = this.batchWithRoom(thread, data.length + pathBytes + checkBytes);
      const pathOffset = batch.used;
      batch.used += batch.buffer.write(path, pathOffset, 'utf8');
      const digestOffset = appendDigest(batch, check);
      const offset = batch.used;
      data.copy(batch.buffer, offset);
      batch.used += data.length;
      // Spelled out rather than through pushOps: this runs once per small file, and its argument array would be garbage.
      const ops = batch.ops;
      let at = batch.opCount;
      ops[at++] = OP_WHOLE_FILE;
      ops[at++] = pathOffset;
      ops[at++] = pathBytes;
      ops[at++] = mode;
      ops[at++] = this.needsChmod(mode);
      ops[at++] = offset;
      ops[at++] = data.length;
      ops[at++] = digestOffset;
      ops[at++] = check ? check.tag : 0;
      batch.opCount = at;
      this.flushIfFull(thread);
      return;
    }
    const handle = this.openOn(index, path, mode, check);
    this.write(handle, data);
    this.close(handle);
  }

  open(path: string, mode: number, check?: WriteCheck): OpenFile {
    this.throwIfFailed();
    return this.openOn(this.pickThread(), path, mode, check);
  }

  write(file: OpenFile, data: Buffer): void {
    this.throwIfFailed();
    const thread = this.threads[file.thread] as WriterThread;
    let offset = 0;
    while (offset < data.length) {
      const batch = this.batchWithRoom(thread, Math.min(data.length - offset, this.batchBytes));
      const take = Math.min(data.length - offset, batch.buffer.length - batch.used);
      data.copy(batch.buffer, batch.used, offset, offset + take);
      pushOps(batch, OP_WRITE, file.id, batch.used, take);
      batch.used += take;
      offset += take;
      this.flushIfFull(thread);
    }
  }

  close(file: OpenFile): void {
    const thread = this.threads[file.thread] as WriterThread;
    const batch = this.batchWithRoom(thread, 0);
    pushOps(batch, OP_CLOSE, file.id, file.mode, this.needsChmod(file.mode));
    this.flushIfFull(thread);
  }

  /** Resolves when the bytes in flight are below the high-water mark (at once if they already are). */
  async capacity(): Promise<void> {
    this.throwIfFailed();
    if (this.inFlight < this.highWater) return;
    await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Sends every pending batch and waits until all of it is on disk (in the page cache). */
  async finish(): Promise<void> {
    for (const thread of this.threads) this.flush(thread);
    while (this.inFlight > 0) {
      this.throwIfFailed();
      await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    }
    this.throwIfFailed();
  }

  /** Closes every descriptor the workers hold and stops them. Safe to call more than once. */
  async destroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.threads.map(async ({ worker }) => {
        const closedAll = new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.once('exit', () => resolve());
        });
        worker.postMessage({ type: 'close-all' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closedAll, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
        clearTimeout(timer);
        await worker.terminate();
      }),
    );
  }

  private openOn(index: number, path: string, mode: number, check: WriteCheck | undefined): OpenFile {
    const thread = this.threads[index] as WriterThread;
    const id = this.nextId++;
    const pathBytes = Buffer.byteLength(path);
    const batch = this.batchWithRoom(thread, pathBytes + (check ? DIGEST_BYTES : 0));
    const pathOffset = batch.used;
    batch.used += batch.buffer.write(path, pathOffset, 'utf8');
    const digestOffset = appendDigest(batch, check);
    pushOps(batch, OP_OPEN, id, pathOffset, pathBytes, mode, digestOffset, check ? check.tag : 0);
    return { thread: index, id, mode };
  }

  private pickThread(): number {
    const index = this.nextThread;
    this.nextThread = (index + 1) % this.threads.length;
    return index;
  }

  private batchWithRoom(thread: WriterThread, bytes: number): Batch {
    if (
      thread.batch &&
      (thread.batch.buffer.length - thread.batch.used < bytes ||
        thread.batch.opCount + MAX_OP_LENGTH > MAX_OPS_PER_BATCH)
    )
      this.flush(thread);
    if (!thread.batch)
      thread.batch = {
        buffer: this.spare.pop() ?? Buffer.allocUnsafeSlow(this.batchBytes),
        used: 0,
        ops: this.spareOps.pop() ?? new Int32Array(MAX_OPS_PER_BATCH),
        opCount: 0,
      };
    return thread.batch;
  }

  private flushIfFull(thread: WriterThread): void {
    const batch = thread.batch;
    if (batch && (batch.used >= batch.buffer.length || batch.opCount + MAX_OP_LENGTH > MAX_OPS_PER_BATCH))
      this.flush(thread);
  }

  private flush(thread: WriterThread): void {
    const batch = thread.batch;
    if (!batch || batch.opCount === 0) return;
    thread.batch = undefined;
    // A batch holds its whole buffer until the worker hands it back, whatever part of it is used.
    const bytes = batch.buffer.length;
    this.inFlight += bytes;
    const arrayBuffer = batch.buffer.buffer as ArrayBuffer;
    const ops = batch.ops.buffer as ArrayBuffer;
    thread.worker.postMessage(
      { type: 'batch', buffer: arrayBuffer, ops, opCount: batch.opCount, bytes, createFlags: CREATE_FLAGS },
      [arrayBuffer, ops],
    );
  }

  private onMessage(message: WriterMessage): void {
    if (message.type === 'done') {
      this.inFlight -= message.bytes ?? 0;
      this.onWritten?.(message.bytes ?? 0);
      if (message.buffer && message.buffer.byteLength === this.batchBytes) this.spare.push(Buffer.from(message.buffer));
      if (message.ops) this.spareOps.push(new Int32Array(message.ops));
      if (this.inFlight < this.highWater || this.inFlight === 0) this.wake();
    } else if (message.type === 'error') {
      this.fail({
        code: message.code ?? 'EIO',
        message: message.message ?? 'write failed',
        path: message.path ?? '',
        ...(typeof message.tag === 'number' ? { tag: message.tag } : {}),
      });
    }
  }

  private fail(failure: WriterFailure): void {
    if (this.failure) return;
    this.failure = failure;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new WriterError(failure));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private throwIfFailed(): void {
    if (this.failure) throw new WriterError(this.failure);
  }
}
