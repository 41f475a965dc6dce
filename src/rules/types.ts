import type { Config } from '../config/types.js';
import type { DataMap, MapProblem } from '../datamap/types.js';
import type { ParseProblem } from '../facts.js';
import type { FindingDraft, Severity } from '../findings.js';
import type { Model } from '../model/types.js';

export interface RuleMeta {
  /** Public, stable id used in suppressions, baselines, configs and SARIF. */
  id: string;
  /** PascalCase name for SARIF (`PiiPublicExposure`). */
  name: string;
  defaultSeverity: Severity;
  /** One line. */
  summary: string;
  /** The incident this rule prevents, one sentence. */
  incident: string;
  /** CWE ids, e.g. `CWE-359`. */
  cwe: string[];
  /**
   * What the findings are about: personal data (the default; security alerts in code scanning) or
   * piilint's own input — an unreadable file, a broken data map, a malformed suppression — which
   * is worth fixing but is not a security alert.
   */
  topic?: 'personal-data' | 'input';
}

export interface RuleContext {
  model: Model;
  dataMap?: DataMap;
  config: Config;
  mapProblems: MapProblem[];
  parseProblems: ParseProblem[];
}

/** One rule per file: its metadata and its check. Rules read the model; they never parse. */
export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): FindingDraft[];
}
