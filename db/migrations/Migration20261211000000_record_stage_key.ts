import { Migration } from '@mikro-orm/migrations';

// A deal's and a lead's stage key lists stage_id first: MikroORM writes a relation to a stage
// (whose primary key is its id alone) into the key's first column, which must be the stage's.
// Same columns, same rule (the stage is one of the pipeline's); only their order changes.
export class Migration20261211000000_record_stage_key extends Migration {
  override async up(): Promise<void> {
    for (const table of ['deal', 'lead']) {
      await this.execute(`
        alter table ${table}
          drop constraint ${table}_pipeline_id_stage_id_fkey,
          add constraint ${table}_stage_id_pipeline_id_fkey
            foreign key (stage_id, pipeline_id) references pipeline_stage (id, pipeline_id);`);
    }
  }
}
