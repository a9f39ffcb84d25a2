// A CSV file as the HTTP response, apart from csv.ts, which the browser-safe contract reaches.
import { once } from 'node:events';
import type { RouterContext } from '@koa/router';

/** Where a CSV file goes: the HTTP response, written with back-pressure; false once the client is gone. */
export interface CsvSink {
  start(filename: string): void;
  write(chunk: string): Promise<boolean>;
  end(): void;
}

/**
 * Streams into the response inside the request's transaction: headers once the export has
 * passed its checks, then each chunk as the client takes it.
 */
export function responseSink(ctx: RouterContext): CsvSink {
  const res = ctx.res;
  const gone = () => res.destroyed || res.writableEnded;
  return {
    start(filename) {
      ctx.status = 200;
      ctx.respond = false;
      res.writeHead(200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
        'Cache-Control': 'no-store',
      });
    },
    async write(chunk) {
      if (gone()) return false;
      if (res.write(chunk)) return true;
      await Promise.race([once(res, 'drain'), once(res, 'close')]);
      return !gone();
    },
    end() {
      if (!gone()) res.end();
    },
  };
}
