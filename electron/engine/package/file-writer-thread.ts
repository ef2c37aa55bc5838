// The writer thread of FileWriterPool, as source text: it is evaluated in the worker, so the engine stays one
// file when bundled (the CLI, the self-contained Linux release, and app.asar, which a Worker cannot load a
// script from).
//
// Ops (Int32Array, numbers into the transferred batch buffer; a digest offset of -1 means "not verified"):
//   0 whole file: pathOffset, pathLength, mode, chmod, dataOffset, dataLength, digestOffset, tag
//   1 open:       id, pathOffset, pathLength, mode, digestOffset, tag
//   2 write:      id, dataOffset, dataLength
//   3 close:      id, mode, chmod
// A file given a digest is sha256-hashed here, from the bytes this thread writes: hashing is half the CPU of
// a large-file install, and the thread that inflates and parses was the one that waited (it did both; the
// writer sat idle two thirds of the time). A whole file that does not match is refused before it is created;
// a file written in pieces is checked at its close, inside the staging folder, before anything is committed.
export const WRITER_THREAD_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const oneShot = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();
const files = new Map();
let failed = false;
function writeAll(fd, data, offset, length) {
  let done = 0;
  while (done < length) done += fs.writeSync(fd, data, offset + done, length - done);
}
function mismatch(path, tag) {
  const error = new Error('content does not match its sha256');
  error.code = 'EHASH';
  error.tag = tag;
  error.path = path;
  return error;
}
parentPort.on('message', (msg) => {
  if (msg.type === 'close-all') {
    for (const file of files.values()) { try { fs.closeSync(file.fd); } catch {} }
    files.clear();
    parentPort.postMessage({ type: 'closed' });
    return;
  }
  if (failed) return;
  const data = Buffer.from(msg.buffer);
  const ops = new Int32Array(msg.ops, 0, msg.opCount);
  const flags = msg.createFlags;
  let path = '';
  try {
    for (let i = 0; i < ops.length;) {
      const kind = ops[i++];
      if (kind === 0) {
        const pathOffset = ops[i++]; path = data.toString('utf8', pathOffset, pathOffset + ops[i++]);
        const mode = ops[i++]; const chmod = ops[i++]; const offset = ops[i++]; const length = ops[i++];
        const digestOffset = ops[i++]; const tag = ops[i++];
        if (digestOffset >= 0) {
          const digest = oneShot(data.subarray(offset, offset + length));
          if (!digest.equals(data.subarray(digestOffset, digestOffset + 32))) throw mismatch(path, tag);
        }
        const fd = fs.openSync(path, flags, mode);
        try {
          writeAll(fd, data, offset, length);
          if (chmod) fs.fchmodSync(fd, mode);
        } finally { fs.closeSync(fd); }
      } else if (kind === 1) {
        const id = ops[i++]; const pathOffset = ops[i++]; path = data.toString('utf8', pathOffset, pathOffset + ops[i++]);
        const mode = ops[i++]; const digestOffset = ops[i++]; const tag = ops[i++];
        const expected = digestOffset >= 0 ? Buffer.from(data.subarray(digestOffset, digestOffset + 32)) : undefined;
        const fd = fs.openSync(path, flags, mode);
        files.set(id, { fd, path, tag, expected, hash: expected ? crypto.createHash('sha256') : undefined });
      } else if (kind === 2) {
        const id = ops[i++]; const offset = ops[i++]; const length = ops[i++];
        const file = files.get(id);
        path = file.path;
        if (file.hash) file.hash.update(data.subarray(offset, offset + length));
        writeAll(file.fd, data, offset, length);
      } else {
        const id = ops[i++]; const mode = ops[i++]; const chmod = ops[i++];
        const file = files.get(id);
        files.delete(id);
        path = file.path;
        try { if (chmod) fs.fchmodSync(file.fd, mode); } finally { fs.closeSync(file.fd); }
        if (file.hash && !file.hash.digest().equals(file.expected)) throw mismatch(file.path, file.tag);
      }
    }
    parentPort.postMessage({ type: 'done', bytes: msg.bytes, buffer: msg.buffer, ops: msg.ops }, [msg.buffer, msg.ops]);
  } catch (error) {
    failed = true;
    parentPort.postMessage({
      type: 'error', code: error.code || 'EIO', message: String(error.message), path, tag: error.tag,
    });
  }
});
`;
