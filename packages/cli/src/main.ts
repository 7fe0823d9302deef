/**
 * The `endpoint-auditor` command: `scan`, `evaluate`, `rules`, `digest`. Bundled by scripts/build.mjs into
 * dist/endpoint-auditor.mjs, which bin/endpoint-auditor.mjs loads and runs.
 */
import packageJson from "../package.json";
import { UsageError } from "./args";
import { digestCommand } from "./commands/digest";
import { evaluateCommand } from "./commands/evaluate";
import { explainCommand } from "./commands/explain";
import { rulesCommand } from "./commands/rules";
import { scanCommand } from "./commands/scan";
import { ExitCode } from "./exit-codes";
import { MAIN_HELP } from "./help";
import { processIo, type CliIo } from "./io";
import { escapeControl, suggestion } from "./text";

export { ExitCode } from "./exit-codes";
export type { CliIo } from "./io";

export const VERSION: string = packageJson.version;

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: CliIo) => Promise<ExitCode>>> = {
  scan: scanCommand,
  evaluate: evaluateCommand,
  explain: explainCommand,
  rules: rulesCommand,
  digest: digestCommand,
};

function usage(io: CliIo, error: UsageError): ExitCode {
  io.stderr.write(`endpoint-auditor: ${escapeControl(error.message)} (${escapeControl(error.hint)})\n`);
  return ExitCode.USAGE;
}

/**
 * Runs one command line and returns the exit code. Never throws: usage errors become one line on
 * stderr and exit code 2; anything unexpected becomes one line on stderr and exit code 1.
 *
 * @example
 * ```ts
 * process.exitCode = await run(["evaluate", "--snapshot", "demo.json", "--format", "json"]);
 * ```
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr.write(MAIN_HELP);
      return ExitCode.USAGE;
    }
    if (command === "--help" || command === "-h" || command === "help") {
      const topic = command === "help" ? rest[0] : undefined;
      if (topic !== undefined && COMMANDS[topic]) return await (COMMANDS[topic] as (a: readonly string[], i: CliIo) => Promise<ExitCode>)(["--help"], io);
      io.stdout.write(MAIN_HELP);
      return ExitCode.OK;
    }
    if (command === "--version" || command === "-V") {
      io.stdout.write(`${VERSION}\n`);
      return ExitCode.OK;
    }
    const handler = COMMANDS[command];
    if (!handler) {
      const what = command.startsWith("-")
        ? `unknown option '${command}'${suggestion(command, ["--help", "--version"])}`
        : `unknown command '${command}'${suggestion(command, Object.keys(COMMANDS))}`;
      throw new UsageError(`${what}; commands: ${Object.keys(COMMANDS).join(", ")}`, "run 'endpoint-auditor --help' for usage");
    }
    return await handler(rest, io);
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`endpoint-auditor: unexpected error: ${escapeControl(message)}\n`);
    if (io.env.DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return ExitCode.INCOMPLETE;
  }
}

/**
 * The process entry point used by bin/endpoint-auditor.mjs: runs `process.argv` and sets
 * `process.exitCode` (so stdout is flushed before the process exits).
 */
export async function main(): Promise<void> {
  // The SDK warns on every run that its 2027 releases will need Node 22; the CLI supports Node 20
  // (package engines), so the notice is noise on stderr. Set the variable to "false" to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // `endpoint-auditor … | head`: the reader went away; stop quietly instead of crashing on EPIPE.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await run(process.argv.slice(2));
}
