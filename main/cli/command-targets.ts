import type { Services } from '../services.ts';
import type { CliOptions, Command } from './cli-args.ts';
import { RECORDED, recordedOptionProblem } from './option-scope.ts';
import type { RecordedTarget, TypedValues } from './option-scope.ts';

const FINISHED = new Set(['completed', 'cancelled']);

/**
 * The recorded uploads and folders a command acts on: resume, the unfinished
 * ones; cancel, the one named; status, all it lists. Upload makes its own
 * record from the options, so it has none to compare with.
 */
function targetsOf(command: Command, services: Services): RecordedTarget[] | undefined {
  if (command.name !== 'resume' && command.name !== 'cancel' && command.name !== 'status') return undefined;
  const uploads = services.store.listUploads();
  const folders = services.folders.store.listFolders();
  const chosen =
    command.name === 'cancel'
      ? { uploads: uploads.filter((upload) => upload.id === command.id), folders: folders.filter((folder) => folder.id === command.id) }
      : command.name === 'resume'
        ? { uploads: uploads.filter((upload) => !FINISHED.has(upload.state)), folders: folders.filter((folder) => !FINISHED.has(folder.state)) }
        : { uploads, folders };
  return [
    ...chosen.uploads.map((upload) => ({ what: `upload ${upload.id} of ${upload.path}`, ...upload })),
    ...chosen.folders.map((folder) => ({ what: `folder upload ${folder.id} of ${folder.path}`, ...folder })),
  ];
}

/** Why an option given to resume, cancel or status would be ignored for one of the uploads it acts on; undefined when none would. */
export function misdirectedOption(command: Command, given: ReadonlySet<string>, options: CliOptions, services: Services): string | undefined {
  if (!RECORDED.some((option) => given.has(option))) return undefined;
  const targets = targetsOf(command, services);
  if (!targets) return undefined;
  const all: TypedValues = { endpoint: options.endpoint, region: options.region, 'path-style': options.pathStyle, 'part-size': options.partSize, 'if-exists': options.ifExists };
  const typed: TypedValues = Object.fromEntries(RECORDED.filter((option) => given.has(option)).map((option) => [option, all[option]]));
  return recordedOptionProblem(command.name, typed, targets);
}
