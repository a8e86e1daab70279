// A configuration problem, named by the setting (or the part of PULSE_SOURCES) it is in. The
// message says what is expected and what is used instead, never what was found: a value may be
// a pasted secret or an opaque badge id, which are as good as one.
export interface ConfigIssue {
  field: string
  message: string
}
