import { Command, CommanderError } from 'commander';
import { attackCommand } from './attack-command.ts';
import { benchCommand } from './bench-command.ts';
import { evalCommand } from './eval-command.ts';
import { gridCommand } from './grid-command.ts';
import { mergeCommand } from './merge-command.ts';
import { quickstartCommand } from './quickstart-command.ts';
import { reportCommand } from './report-command.ts';
import { trainCommand } from './train-command.ts';
import { EXIT, UserError } from './user-error.ts';

/** Builds the `edl` program (exported for tests). */
export function edlProgram(): Command {
  const program = new Command('edl')
    .description('EDL.js: train, attack and report on Elastic Dictionary Learning networks (tensorflow.js)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const cmd of [
    trainCommand(),
    evalCommand(),
    attackCommand(),
    mergeCommand(),
    gridCommand(),
    benchCommand(),
    reportCommand(),
    quickstartCommand(),
  ]) {
    program.addCommand(cmd.exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  return program;
}

/** Runs the CLI on `argv`; resolves to the exit code (usage errors 2, failures 1, SIGINT after checkpoint 130). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await edlProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (error instanceof UserError) {
      console.error(`edl: ${error.message}`);
      return EXIT.usage;
    }
    if ((error as { code?: unknown } | null)?.code === 'out-of-memory') {
      // a clear message that names the fixes; the stack would only bury it
      console.error(`edl: ${(error as Error).message}`);
      return EXIT.failure;
    }
    console.error(`edl: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failure;
  }
}

// Also runnable directly from source (`node --import tsx main.ts ...`); the packaged executable is bin.ts.
const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) process.exit(await runCli(process.argv.slice(2)));
