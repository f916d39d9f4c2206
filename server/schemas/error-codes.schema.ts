/**
 * The error codes, reasons and parameters of every refusal, for the web (type only) and the
 * tests. They are defined once, beside the error type.
 */
export {
  ERROR_REASONS,
  ERROR_STATUS,
  type ErrorCode,
  type ErrorParams,
  type ErrorReason,
} from '../errors/app-error.ts';
