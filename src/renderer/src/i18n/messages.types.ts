/** Plural forms as CLDR names them; `other` is required, `zero` is an explicit "none" wording. */
export interface PluralMessage {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}
export type Message = string | PluralMessage;
