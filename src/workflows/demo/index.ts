export { loadDemo } from './load-demo.js';
export type { DemoProgress, DemoReport, DemoTarget } from './load-demo.js';
export { shopHasProducts } from './demo-guard.js';
export { curlExamples, demoReportJson, demoReportText } from './demo-report.js';
export { DemoStepError } from './demo-client.js';
export { DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_ROLES } from './demo-data.js';
