// Where uploads go and how Hoist runs, as the UI edits them: the contract's
// target and settings schemas (shared/ipc-contract.ts re-exports them), with
// the defaults derived from the schemas so that one place says what they are.
import { z } from 'zod';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const CredentialsSchema = z.discriminatedUnion('kind', [
  /** The standard AWS chain: env vars, shared config, SSO; optionally a named profile. */
  z.object({ kind: z.literal('chain'), profile: z.string().max(128).optional() }),
  /** Keys typed into Hoist. The secret is stored encrypted in main and never sent back. */
  z.object({ kind: z.literal('keys'), accessKeyId: z.string().min(1).max(256) }),
]);

export const TargetSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  /** Empty for AWS itself. */
  endpoint: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  region: z.string().min(1).max(64).default('us-east-1'),
  bucket: z.string().regex(BUCKET_NAME, 'not a valid bucket name'),
  keyPrefix: z.string().max(900).default(''),
  pathStyle: z.boolean().default(false),
  credentials: CredentialsSchema.default({ kind: 'chain' }),
  /** Days after which the server discards unfinished uploads (lifecycle rule); null: never. */
  expiryDays: z.number().int().min(1).max(3650).nullable().default(7),
  /** The user accepted a plain http:// endpoint that is not this machine: keys and data travel unencrypted. */
  allowInsecureHttp: z.boolean().default(false),
});
export type Target = z.infer<typeof TargetSchema>;

/** A target as the UI sees it: whether a secret is stored, never the secret itself. */
export const TargetViewSchema = TargetSchema.extend({ hasSecret: z.boolean() });
export type TargetView = z.infer<typeof TargetViewSchema>;

const settingsFields = {
  partSizeMiB: z.number().int().min(5).max(5120),
  concurrency: z.number().int().min(1).max(64),
  /** KiB/s over all uploads; 0 means no limit. */
  bandwidthLimitKiBps: z.number().int().min(0).max(10_000_000),
  startAtLogin: z.boolean(),
  notifications: z.boolean(),
  /** Warn when an unfinished upload will be discarded by the server within this many hours. */
  expiryWarningHours: z.number().int().min(1).max(24 * 30),
};

export const SettingsSchema = z.object({
  partSizeMiB: settingsFields.partSizeMiB.default(8),
  concurrency: settingsFields.concurrency.default(4),
  bandwidthLimitKiBps: settingsFields.bandwidthLimitKiBps.default(0),
  startAtLogin: settingsFields.startAtLogin.default(false),
  notifications: settingsFields.notifications.default(true),
  expiryWarningHours: settingsFields.expiryWarningHours.default(24),
});
/** A change to some settings: only the fields given, no defaults filled in (they would overwrite the others). */
export const SettingsPatchSchema = z.object(settingsFields).partial().strict();
export type Settings = z.infer<typeof SettingsSchema>;
/** Defaults come from the schema, so there is one place that says what they are. */
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
