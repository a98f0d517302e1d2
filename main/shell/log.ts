/**
 * The Electron host's log: one console line per message. Hoist never logs a
 * secret on purpose; this also masks anything shaped like one (an AWS secret
 * access key, a secretAccessKey field) in case an error message carries it.
 */
const SECRET_FIELD = /("?(?:secretAccessKey|SecretAccessKey|aws_secret_access_key|sessionToken)"?\s*[:=]\s*"?)[^"\s,}]+/g;
const SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

export function redactSecrets(message: string): string {
  return message.replace(SECRET_FIELD, '$1[redacted]').replace(SECRET_SHAPE, '[redacted]');
}

export function consoleLog(message: string): void {
  console.log(`[hoist] ${redactSecrets(message)}`);
}
