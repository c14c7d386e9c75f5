/** The password: $CLASSDESK_PASSWORD, or a no-echo prompt on a terminal. Never logged or stored. */
import { CliError, EXIT, UsageError } from './exit-codes.js';

export async function readPassword(email: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.CLASSDESK_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const stdin = process.stdin;
  if (!stdin.isTTY)
    throw new UsageError('no password: set CLASSDESK_PASSWORD, or run in a terminal to be prompted');
  return promptHidden(`Password for ${email}: `);
}

/** Reads one line in raw mode without echoing it. Ctrl-C cancels, backspace edits. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CliError(EXIT.UNEXPECTED, 'cancelled'));
        if (ch === '\u007f' || ch === '\b') {
          value = Array.from(value).slice(0, -1).join('');
          continue;
        }
        if (ch < ' ') continue; // other control characters (escape sequences) are not part of it
        value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
