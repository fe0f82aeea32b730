// Errors: the KeywardError base type and the code table.
export { ERROR_CODES, type ErrorCode, type ErrorCodeInfo, errorCodeInfo } from "./codes.js";
export { InputRangeError, InputTypeError } from "./input-errors.js";
export { describeCause, newErrorId, redactSecretLike } from "./internal.js";
export { isKeywardError, KeywardError, toPublicError } from "./keyward-error.js";
