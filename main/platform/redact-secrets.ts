/**
 * Hoist never logs a secret on purpose; this also masks anything shaped like
 * one (an AWS secret access key, a secretAccessKey field) in case an error
 * message carries it. Every host's log goes through it, console and file.
 */
const SECRET_FIELD = /("?(?:secretAccessKey|SecretAccessKey|aws_secret_access_key|sessionToken)"?\s*[:=]\s*"?)[^"\s,}]+/g;
const SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

export function redactSecrets(message: string): string {
  return message.replace(SECRET_FIELD, '$1[redacted]').replace(SECRET_SHAPE, '[redacted]');
}

/** One log entry, one line: a message that spans lines (an error from a server, say) is joined with ' | '. */
export function oneLine(message: string): string {
  return message.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' | ').trim();
}

/** What goes into a log: one line, secrets masked. */
export function logLine(message: string): string {
  return redactSecrets(oneLine(message));
}
