// Input assertion errors: TypeError/RangeError subclasses that surfaces may show verbatim.

/** A wrong type for a named parameter. Messages name the parameter, never its (possibly secret) value. */
export class InputTypeError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "TypeError";
  }
}

/** A wrong length or out-of-range value for a named parameter. Messages never echo the value. */
export class InputRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "RangeError";
  }
}
