// What the board specs compare: the kept column totals against the deals themselves.

/** Rows where the board's kept totals and the deals themselves disagree (none, when all is well). */
export const TOTALS_MISMATCH_SQL = `
  with kept as (
    select pipeline_id, stage_id, owner_id, currency, deals, value from deal_stage_total
     where tenant_id = ? and (deals <> 0 or value <> 0)),
  counted as (
    select pipeline_id, stage_id, owner_id, currency, count(*)::int as deals, sum(value) as value from deal
     where tenant_id = ? and status = 'open' and deleted_at is null group by 1, 2, 3, 4)
  (select 'kept' as side, * from kept except select 'kept', * from counted)
  union all
  (select 'counted', * from counted except select 'counted', * from kept)`;
