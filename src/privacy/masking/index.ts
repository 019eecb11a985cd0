export { maskValue } from './mask-value.js';
export { HIDDEN, REDACTED } from './mask-marks.js';
