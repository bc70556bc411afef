/** The `command` probe's block: argv whose exit 0 means healthy. Pure. */
import { Argv } from '../../manifest/fields';

export const CommandProbe = Argv;
