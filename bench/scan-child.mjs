// Runs one scan in this process and reports its time, CPU (start-up included), peak memory and
// findings by rule as JSON, with the V8 settings the command line uses.
import '../dist/v8-flags.js';
import { scan } from '../dist/scan.js';

const corpus = process.argv[2];
const start = performance.now();
const result = await scan({ cwd: corpus, paths: ['.'] });
const ms = performance.now() - start;
const findingsByRule = {};
for (const finding of result.findings) {
  findingsByRule[finding.ruleId] = (findingsByRule[finding.ruleId] ?? 0) + 1;
}
const usage = process.resourceUsage();
const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
const maxRssMb = usage.maxRSS / 1024;
console.log(JSON.stringify({ ms, cpuMs, maxRssMb, findingsByRule }));
