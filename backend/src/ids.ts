import { v7 } from 'uuid';

/** A new UUIDv7: time-ordered, so primary-key indexes stay append-mostly. Made in code, as PostgreSQL 15 has no uuidv7(). */
export const newId = (): string => v7();
