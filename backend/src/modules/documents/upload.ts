// Reads a multipart/form-data upload of one file, counting bytes as they arrive: past the limit
// the upload is answered 413 at once and nothing is kept.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Context } from 'koa';
import { type AppError, formatBytes, validationFailed } from '../../http/errors.ts';
import type { Text } from '../../http/language.ts';
import { problem } from '../../http/problems.ts';
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

export function tooLarge(what: string | Text, limitBytes: number, pointer: string): AppError {
  return problem(
    'document_too_large',
    { what, limit: formatBytes(limitBytes) },
    { at: { pointer }, extensions: { limitBytes } },
  );
}

function badUpload(en: string, de: string): AppError {
  return problem('invalid_upload', { message: { en, de } }, { at: { pointer: '#/file' } });
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
    throw badUpload(
      'The request has no body; send the file as multipart/form-data in a part named "file".',
      'Die Anfrage hat keinen Body; senden Sie die Datei als multipart/form-data in einem Teil namens "file".',
    );
  }
  if (!ctx.is('multipart/form-data')) {
    discard(ctx.req);
    throw problem('upload_not_multipart', {
      received: ctx.request.type || { en: 'a body without Content-Type', de: 'Body ohne Content-Type' },
    });
  }
  const declaredLength = Number(ctx.get('content-length') || 0);
  if (declaredLength > limitBytes + FRAMING_ALLOWANCE) {
    discard(ctx.req);
    throw tooLarge({ en: 'The upload', de: 'Der Upload' }, limitBytes, '#/file');
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
      const message = (error as Error).message;
      reject(
        badUpload(
          `The multipart body cannot be read: ${message}.`,
          `Der multipart-Body lässt sich nicht lesen: ${message}.`,
        ),
      );
      return;
    }
    let file: UploadedFile | undefined;
    let refused: AppError | undefined;
    const fail = (error: AppError) => {
      refused ??= error;
    };
    parser.on('file', (field, stream, info) => {
      if (field !== 'file') {
        fail(
          badUpload(
            `Put the file in a part named "file", not "${field}".`,
            `Legen Sie die Datei in einen Teil namens "file", nicht "${field}".`,
          ),
        );
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
        if (!refused) file = { name, declaredType: info.mimeType, bytes: Buffer.concat(chunks, size) };
      });
    });
    parser.on('filesLimit', () => fail(badUpload('Send one file per request.', 'Senden Sie eine Datei je Anfrage.')));
    parser.on('partsLimit', () =>
      fail(
        badUpload(
          'The form has too many parts; send the file alone.',
          'Das Formular hat zu viele Teile; senden Sie die Datei allein.',
        ),
      ),
    );
    parser.on('error', (error: Error) => {
      discard(ctx.req);
      reject(
        badUpload(
          `The multipart body cannot be read: ${error.message}.`,
          `Der multipart-Body lässt sich nicht lesen: ${error.message}.`,
        ),
      );
    });
    parser.on('close', () => {
      if (refused) reject(refused);
      else if (!file) {
        reject(
          badUpload(
            'The form has no file; send it in a part named "file".',
            'Das Formular enthält keine Datei; senden Sie sie in einem Teil namens "file".',
          ),
        );
      } else resolve(file);
    });
    ctx.req.on('aborted', () => reject(badUpload('The upload was interrupted.', 'Der Upload wurde unterbrochen.')));
    ctx.req.pipe(parser);
  });
}
