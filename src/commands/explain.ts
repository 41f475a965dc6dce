import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { isRuleId, RULE_IDS } from '../rules/ids.js';
import { closest } from '../util/suggest.js';
import { packageFile } from '../util/package-files.js';
import { renderMarkdown } from '../util/terminal-markdown.js';

/** docs/ ships in the package beside dist/ (and beside src/ when run from source). */
const DOCS_DIRECTORY = packageFile('docs/rules/');

/**
 * `piilint explain <rule>`: the rule's documentation page (docs/rules/<id>.md), rendered for the
 * terminal.
 */
export function explainRule(ruleId: string, color = false): string {
  if (!isRuleId(ruleId)) {
    const suggestion = closest(ruleId, RULE_IDS);
    const hint = suggestion ? `did you mean ${suggestion}? ` : '';
    throw new UsageError(`unknown rule ${ruleId} — ${hint}Valid rules: ${RULE_IDS.join(', ')}`);
  }
  try {
    return renderMarkdown(readFileSync(new URL(`${ruleId}.md`, DOCS_DIRECTORY), 'utf8'), color);
  } catch {
    throw new UsageError(
      `the documentation of ${ruleId} is missing from this installation — reinstall piilint`,
    );
  }
}
