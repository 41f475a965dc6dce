/** Sensitivity (spec/taxonomy.md): Low, Moderate, High, Special category. */
export type Sensitivity = 'L' | 'M' | 'H' | 'S';

/** One row of the taxonomy table, as data. */
export interface CategoryInfo {
  /** Dotted id, e.g. `contact.email`. */
  id: string;
  sensitivity: Sensitivity;
  /** ✓ in the `enc` column: column encryption required by the default policy. */
  encryptionRequired: boolean;
  /** HIPAA Safe Harbor letter (A–R), if any. */
  hipaa?: string;
  /** May live in a numeric column (ages, years, coordinates, numeric ids and account numbers). */
  numericAllowed: boolean;
  /** Name hints as normalised word sequences (`date of birth`, `dob`). */
  hints: string[];
  /** Names that look alike but are not this category (documentation and tests; the classifier enforces them). */
  traps: string[];
}

/** What the classifier knows about a column when it classifies it. */
export interface ColumnContext {
  table: string;
  column: string;
  dataType?: string;
  primaryKey?: boolean;
  /** Name of the table a foreign key points to. */
  referencesTable?: string;
  /** Other columns of the same table (for `state` beside address columns, bare `name` in person tables, …). */
  siblingColumns: string[];
  /** The table is person-linked (taxonomy.md, "Person-linked tables"). */
  personLinked: boolean;
  /** When the link runs through foreign keys: the chain, for the reason (`vitals.encounter_id → encounters.patient_id → patients`). */
  personLinkChain?: string;
  /** The store or table is declared `context: health` or `subject: patient`. */
  healthContext: boolean;
  /** Team-specific patterns from the config (`classifier.extraPatterns`). */
  extraPatterns?: Array<{ pattern: RegExp; category: string }>;
}

export interface Classification {
  category: string;
  /** Human-readable evidence: `name "date_of_birth" reads as demographic.birth_date`. */
  reason: string;
}
