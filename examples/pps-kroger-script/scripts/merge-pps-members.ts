// One-off merge: give every PPS pharmacy member a Kroger account.
import knex from 'knex';

const ppsDb = knex({ client: 'pg', connection: process.env.PPS_DATABASE_URL });
const krogerDb = knex({ client: 'pg', connection: process.env.KROGER_DATABASE_URL });

async function mergeMembers(): Promise<void> {
  const patients = await ppsDb('patients').select('full_name', 'email');
  console.log(`merging ${patients.length} PPS members`);

  let created = 0;
  for (const p of patients) {
    try {
      await krogerDb('accounts').insert({ display_name: p.full_name, username: p.email });
      created += 1;
    } catch (error) {
      console.error(`could not create an account for ${p.email}`, error);
    }
  }
  console.log('merge finished', { created, status: 'done' });
}

mergeMembers().finally(() => Promise.all([ppsDb.destroy(), krogerDb.destroy()]));
