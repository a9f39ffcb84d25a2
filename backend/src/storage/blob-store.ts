// Where the bytes of documents live, addressed by their SHA-256: the same content is stored once
// per tenant. PostgreSQL holds them now (table `blob`); an object store can implement the same
// interface later without the documents knowing.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type Transaction } from 'kysely';

/** The tenant transaction a blob operation belongs to. */
export interface BlobScope {
  em: EntityManager;
  tenantId: string;
}

export interface StoredBlob {
  /** Lower-case hex SHA-256 of the bytes: the blob's key. */
  sha256: string;
  size: number;
}

export interface BlobContent {
  size: number;
  stream: Readable;
}

export interface BlobStore {
  /** Stores the bytes (a no-op when the tenant has them already) and answers their key. */
  put(scope: BlobScope, bytes: Buffer): Promise<StoredBlob>;
  /** The bytes as a stream, or undefined when the tenant has no such blob. */
  get(scope: BlobScope, sha256: string): Promise<BlobContent | undefined>;
  has(scope: BlobScope, sha256: string): Promise<boolean>;
  /** Forgets blobs nothing refers to any more (the caller knows). */
  remove(scope: BlobScope, sha256s: readonly string[]): Promise<void>;
}

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Runs a statement with real bind parameters on the request's transaction. MikroORM's `execute`
 * inlines parameters into the SQL text, which for megabytes of bytea doubles the size and costs
 * a parse; bound, the bytes travel as they are.
 */
async function bound<T>(em: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const transaction = em.getTransactionContext<Transaction<unknown>>();
  if (!transaction) throw new Error('Blobs are read and written inside the tenant transaction only.');
  const result = await transaction.executeQuery<T>(CompiledQuery.raw(sql, parameters));
  return [...result.rows];
}

/**
 * Blobs as bytea rows under row-level security. Reads happen inside the request's transaction,
 * which ends before the response body is sent, so `get` reads the blob whole (bounded by the
 * document size limit) and streams it from memory; an object store would stream from its own
 * connection instead.
 */
export class PostgresBlobStore implements BlobStore {
  async put({ em }: BlobScope, bytes: Buffer): Promise<StoredBlob> {
    const sha256 = sha256Of(bytes);
    await bound(
      em,
      `insert into blob (tenant_id, sha256, size, data) values (crm_current_tenant(), $1, $2, $3)
       on conflict (tenant_id, sha256) do nothing`,
      [sha256, bytes.length, bytes],
    );
    return { sha256, size: bytes.length };
  }

  async get({ em }: BlobScope, sha256: string): Promise<BlobContent | undefined> {
    const [row] = await bound<{ data: Buffer }>(
      em,
      'select data from blob where tenant_id = crm_current_tenant() and sha256 = $1',
      [sha256],
    );
    if (!row) return undefined;
    return { size: row.data.length, stream: Readable.from([row.data], { objectMode: false }) };
  }

  async has({ em }: BlobScope, sha256: string): Promise<boolean> {
    const rows = await bound(em, 'select 1 from blob where tenant_id = crm_current_tenant() and sha256 = $1', [sha256]);
    return rows.length > 0;
  }

  async remove({ em }: BlobScope, sha256s: readonly string[]): Promise<void> {
    if (sha256s.length === 0) return;
    await bound(em, 'delete from blob where tenant_id = crm_current_tenant() and sha256 = any($1::text[])', [
      [...sha256s],
    ]);
  }
}
