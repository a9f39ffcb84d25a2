import { Migration } from '@mikro-orm/migrations';

const BASE_62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE_36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** SQL for `digits` digits of the bigint `n` in `alphabet`, most significant first. */
const digitsOf = (n: string, alphabet: string, digits: number) =>
  `(select string_agg(substr('${alphabet}', ((${n} / power(${alphabet.length}, p)::bigint) % ${alphabet.length})::int + 1, 1), '' order by p desc)
      from generate_series(0, ${digits - 1}) as p)`;

/** Renumbers every tenant's tasks in their present order (rank, then id, as lists sort them). */
const renumber = (rank: string) => `
  with ordered as (
    select id, row_number() over (partition by tenant_id order by rank collate "C", id) - 1 as n from task
  )
  update task t set rank = ${rank} from ordered o where o.id = t.id`;

// Task ranks take the keys every ranked list uses (backend/src/records/rank.ts, fractional-indexing):
// base 62 behind a head letter giving the integer part's length, where tasks had base-36
// fractions that grew with every task appended. Renumbering a tenant's tasks in one order keeps
// each person's, team's and owner's order (each is a part of it) and parts ties as lists did (by
// id). 'e' heads six-character keys: room for 62^5 tasks a tenant.
export class Migration20261205000000_task_ranks extends Migration {
  override async up(): Promise<void> {
    await this.execute(`alter table task alter column rank set default 'a0';`);
    await this.execute(renumber(`'e' || ${digitsOf('o.n', BASE_62, 5)}`));
  }

  override async down(): Promise<void> {
    // Base-36 fractions again, none ending in 0.
    await this.execute(`alter table task alter column rank set default 'm';`);
    await this.execute(renumber(`${digitsOf('o.n', BASE_36, 6)} || 'i'`));
  }
}
