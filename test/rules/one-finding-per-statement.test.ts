// One finding per statement item (issue 9): `SELECT p.*` into a public view is one finding that
// lists every personal column it brings, not one per column.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../../src/scan.js';

const DATAMAP = `version: 1
stores:
  clinic:
    engine: postgres
    exposure: internal
    context: health
    migrations: [db/migrations/**]
    tables:
      patient_directory:
        exposure: public
`;

test('a view over p.* of a patients table is one finding listing its personal columns', async () => {
  const root = mkdtempSync(join(tmpdir(), 'piilint-star-'));
  try {
    const files: Record<string, string> = {
      'datamap.yaml': DATAMAP,
      'db/migrations/001_patients.sql': `CREATE TABLE patients (
  id serial PRIMARY KEY,
  full_name text,
  email text,
  phone text,
  date_of_birth date
);
CREATE VIEW patient_directory AS
SELECT p.* FROM patients p;
`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const { findings } = await scan({ cwd: root, paths: ['.'] });
    const exposure = findings.filter((finding) => finding.ruleId === 'pii-public-exposure');
    assert.equal(
      exposure.map(
        (finding) => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column}`,
      ),
      ['pii-public-exposure db/migrations/001_patients.sql:9:8'],
    );
    const [finding] = exposure;
    assert.equal(finding?.target, {
      store: 'clinic',
      table: 'patient_directory',
      exposure: 'public',
    });
    assert.match(
      finding?.message ?? '',
      'copied into 4 columns of clinic.patient_directory (full_name, email, phone, date_of_birth) (public) by view definition.',
    );
    assert.equal(finding?.categories, [
      'person.name',
      'contact.email',
      'contact.phone',
      'demographic.birth_date',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
