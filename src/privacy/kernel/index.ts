export { openPrivacyKernel, shredJournalPath } from './privacy-kernel.js';
export type { PrivacyKernel, PrivacyKernelOptions } from './privacy-kernel.js';
