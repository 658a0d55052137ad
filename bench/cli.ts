/** Entry point of `npm run bench`; see bench/command.ts for the usage. */
import { main } from "./command";

process.exitCode = main(process.argv.slice(2));
