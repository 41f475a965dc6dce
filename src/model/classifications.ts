/**
 * The classifier's answers for the model's columns, kept while what they depend on is unchanged.
 *
 * The replay asks for a column's categories again and again: at the end of every file that
 * touches a table readable by everyone, for copies, sends and at the end. A long history of
 * migrations that each add one column to the same table must not reclassify every earlier column
 * each time: a column's answer is kept until its own name, type, key or reference changes, or
 * what it reads of its table does (the table's name, person link, health context, and its
 * siblings' signature, which a new plain column leaves unchanged).
 */
import type { Classification } from '../taxonomy/types.js';
import type { compileExtraPatterns } from '../taxonomy/classifier.js';
import {
  classifyColumn,
  columnLinksToPerson,
  isPersonTableName,
  siblingSignature,
} from '../taxonomy/classifier.js';
import { personLinkChain } from './person-links.js';
import { safely } from './safely.js';
import type { ModelColumn, ModelTable } from './types.js';

interface TableEntry {
  /** The table's version these were read at. */
  version: number;
  siblings: string[];
  signature: string;
  /** The table's name and sibling signature that `links` were read under. */
  linkContext: string;
  /** Column name → whether it links the table to a person by itself, with its own inputs. */
  links: Map<string, { inputs: string; links: boolean }>;
  linkedByItself: boolean;
  /** The replayed file the person link was read in (a link through keys depends on other tables). */
  epoch: number;
  personLinked: boolean;
  linkChain?: string;
  /** What every column's answer depends on beyond the column itself; a change empties `byColumn`. */
  context: string;
  /** Column name (`?name` for a name the scan did not define) → its own inputs and the answer. */
  byColumn: Map<string, ColumnAnswer>;
}

/** A column's answer and the column's own inputs it was read with. */
interface ColumnAnswer {
  dataType?: string;
  primaryKey?: boolean;
  referencesTable?: string;
  found: Classification[];
}

export class ColumnClassifications {
  private readonly tables = new WeakMap<ModelTable, TableEntry>();
  private readonly versions = new WeakMap<ModelTable, number>();
  private epoch = 0;

  constructor(
    private readonly extraPatterns: ReturnType<typeof compileExtraPatterns>,
    /** The table of the same store with that name, for person links through foreign keys. */
    private readonly tableNamed: (table: ModelTable, name: string) => ModelTable | undefined,
  ) {}

  /** A fact changed the table: its name, its columns or a column's type, key or reference. */
  changed(table: ModelTable): void {
    this.versions.set(table, (this.versions.get(table) ?? 0) + 1);
  }

  /** A file's replay ended: person links through foreign keys may have changed anywhere. */
  nextFile(): void {
    this.epoch++;
  }

  /** The classifier's categories for the column (or a name the scan did not define) now. */
  classify(table: ModelTable, name: string, column?: ModelColumn): Classification[] {
    const entry = this.current(table);
    const cacheKey = column === undefined ? `?${name}` : name;
    const cached = entry.byColumn.get(cacheKey);
    if (
      cached !== undefined &&
      cached.dataType === column?.dataType &&
      cached.primaryKey === column?.primaryKey &&
      cached.referencesTable === column?.references?.table
    ) {
      return cached.found;
    }
    const found = safely(
      () =>
        classifyColumn({
          table: bareTableName(table.name),
          column: name,
          dataType: column?.dataType,
          primaryKey: column?.primaryKey,
          referencesTable: column?.references?.table,
          siblingColumns: entry.siblings,
          personLinked: entry.personLinked,
          ...(entry.linkChain !== undefined && { personLinkChain: entry.linkChain }),
          healthContext: table.healthContext,
          extraPatterns: this.extraPatterns,
        }),
      [],
    );
    entry.byColumn.set(cacheKey, {
      dataType: column?.dataType,
      primaryKey: column?.primaryKey,
      referencesTable: column?.references?.table,
      found,
    });
    return found;
  }

  /** Person-linked by the table's own name or columns, or by the data map's `subject` (not through keys). */
  linkedByItself(table: ModelTable): boolean {
    return this.readTable(table).linkedByItself;
  }

  /** The entry with the table's siblings and person link read for its current version and file. */
  private current(table: ModelTable): TableEntry {
    const entry = this.readTable(table);
    if (entry.epoch !== this.epoch) {
      entry.epoch = this.epoch;
      entry.linkChain = entry.linkedByItself
        ? undefined
        : safely(
            () =>
              personLinkChain(
                table,
                (name) => this.tableNamed(table, name),
                (target) => this.linkedByItself(target),
              ),
            undefined,
          );
      entry.personLinked = entry.linkedByItself || entry.linkChain !== undefined;
      // Read again only when the table or the file changed: the table's name and health
      // context change only through facts that change its version.
      const context = [
        table.name,
        table.healthContext ? 'health' : '',
        entry.personLinked ? 'linked' : '',
        entry.linkChain ?? '',
        entry.signature,
      ].join('\u0003');
      if (context !== entry.context) {
        entry.context = context;
        entry.byColumn.clear();
      }
    }
    return entry;
  }

  /** The entry, its siblings and own person link read again when the table changed. */
  private readTable(table: ModelTable): TableEntry {
    const version = this.versions.get(table) ?? 0;
    const previous = this.tables.get(table);
    if (previous !== undefined && previous.version === version) return previous;
    const tableName = bareTableName(table.name);
    const siblings = [...table.columns.keys()];
    const signature = safely(() => siblingSignature(tableName, siblings), '');
    // Whether each column links the table to a person depends on the same inputs as its
    // categories: keep the answers of the columns a change left alone.
    const linkContext = `${tableName}\u0003${signature}`;
    const links =
      previous !== undefined && previous.linkContext === linkContext
        ? previous.links
        : new Map<string, { inputs: string; links: boolean }>();
    const entry: TableEntry = {
      version,
      siblings,
      signature,
      linkContext,
      links,
      linkedByItself:
        table.subject !== undefined || this.readLinkedByItself(table, tableName, siblings, links),
      epoch: -1,
      personLinked: false,
      context: previous?.context ?? '',
      byColumn: previous?.byColumn ?? new Map(),
    };
    this.tables.set(table, entry);
    return entry;
  }

  private readLinkedByItself(
    table: ModelTable,
    tableName: string,
    siblings: string[],
    links: Map<string, { inputs: string; links: boolean }>,
  ): boolean {
    if (safely(() => isPersonTableName(tableName), false)) return true;
    for (const column of table.columns.values()) {
      const inputs = `${column.dataType ?? ''}\u0000${column.references?.table ?? ''}`;
      let cached = links.get(column.name);
      if (cached === undefined || cached.inputs !== inputs) {
        const linksToPerson = safely(
          () =>
            columnLinksToPerson(
              tableName,
              {
                name: column.name,
                dataType: column.dataType,
                referencesTable: column.references?.table,
              },
              siblings,
            ),
          false,
        );
        cached = { inputs, links: linksToPerson };
        links.set(column.name, cached);
      }
      if (cached.links) return true;
    }
    return false;
  }
}

/** `public.patients` → `patients`: the classifier reads bare names. */
export function bareTableName(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot === -1 ? key : key.slice(dot + 1);
}
