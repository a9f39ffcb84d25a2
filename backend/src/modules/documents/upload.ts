// Reads a multipart/form-data upload of one file, counting bytes as they arrive: past the limit
// the upload is answered 413 at once and nothing is kept.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, formatBytes, validationFailed } from '../../http/errors.ts';
import { unstorable } from '../../http/storable-text.ts';

export interface UploadedFile {
  /** The file name as the client sent it (UTF-8), without any directory part. */
  name: string;
  /** The part's Content-Type ('text/plain' when the client sent none, as multipart says). */
  declaredType: string;
  bytes: Buffer;
}

/** What multipart framing and the form's headers add to the file's bytes, at most. */
const FRAMING_ALLOWANCE = 64 * 1024;

export function tooLarge(what: string, limitBytes: number, pointer: string): AppError {
  return new AppError({
    status: 413,
    code: 'document_too_large',
    title: 'The file is too large',
    detail: `${what} is larger than the limit of ${formatBytes(limitBytes)} for documents; nothing was stored. Compress it or share it as a link instead.`,
    errors: [{ in: 'body', pointer, detail: `larger than ${formatBytes(limitBytes)}` }],
    extensions: { limitBytes },
  });
}

function badUpload(detail: string): AppError {
  return new AppError({
    status: 400,
    code: 'invalid_upload',
    title: 'The upload is not valid',
    detail,
    errors: [{ in: 'body', pointer: '#/file', detail }],
  });
}

/** Lets the rest of an unwanted body flow past, so the client still reads our answer. */
function discard(request: IncomingMessage): void {
  request.unpipe();
  request.resume();
}

export const baseName = (name: string) => name.split(/[\\/]/).pop() ?? '';

export async function readUpload(ctx: Context, limitBytes: number): Promise<UploadedFile> {
  const length = ctx.get('content-length');
  if ((length === '' || length === '0') && ctx.get('transfer-encoding') === '') {
    throw badUpload('The request has no body; send the file as multipart/form-data in a part named "file".');
  }
  if (!ctx.is('multipart/form-data')) {
    discard(ctx.req);
    throw new AppError({
      status: 415,
      code: 'unsupported_media_type',
      title: 'Unsupported media type',
      detail: `Upload the file as multipart/form-data in a part named "file", not as ${ctx.request.type || 'a body without Content-Type'}.`,
    });
  }
  const declaredLength = Number(ctx.get('content-length') || 0);
  if (declaredLength > limitBytes + FRAMING_ALLOWANCE) {
    discard(ctx.req);
    throw tooLarge('The upload', limitBytes, '#/file');
  }
  return new Promise<UploadedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: ctx.req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: limitBytes, files: 1, fields: 10, fieldSize: 10_000, parts: 12 },
      });
    } catch (error) {
      discard(ctx.req);
      reject(badUpload(`The multipart body cannot be read: ${(error as Error).message}.`));
      return;
    }
    let file: UploadedFile | undefined;
    let problem: AppError | undefined;
    const fail = (error: AppError) => {
      problem ??= error;
    };
    parser.on('file', (field, stream, info) => {
      if (field !== 'file') {
        fail(badUpload(`Put the file in a part named "file", not "${field}".`));
        stream.resume();
        return;
      }
      const name = baseName(info.filename ?? '');
      const unstorableName = unstorable(name);
      if (unstorableName) {
        fail(validationFailed([{ in: 'body', pointer: '#/file', detail: `The file name ${unstorableName}.` }]));
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('limit', () => {
        // Answered now; the rest of the body flows past unread.
        chunks.length = 0;
        discard(ctx.req);
        stream.resume();
        reject(tooLarge(`"${name}"`, limitBytes, '#/file'));
      });
      stream.on('end', () => {
        if (!problem) file = { name, declaredType: info.mimeType, bytes: Buffer.concat(chunks, size) };
      });
    });
    parser.on('filesLimit', () => fail(badUpload('Send one file per request.')));
    parser.on('partsLimit', () => fail(badUpload('The form has too many parts; send the file alone.')));
    parser.on('error', (error: Error) => {
      discard(ctx.req);
      reject(badUpload(`The multipart body cannot be read: ${error.message}.`));
    });
    parser.on('close', () => {
      if (problem) reject(problem);
      else if (!file) reject(badUpload('The form has no file; send it in a part named "file".'));
      else resolve(file);
    });
    ctx.req.on('aborted', () => reject(badUpload('The upload was interrupted.')));
    ctx.req.pipe(parser);
  });
}
