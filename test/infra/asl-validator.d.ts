/** asl-validator ships no types: the one function the tests call. */
declare module 'asl-validator' {
  interface AslError {
    readonly 'Error code': string;
    readonly Message: string;
    readonly path?: string;
  }
  function validator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): { isValid: boolean; errors: AslError[] };
  export default validator;
}
