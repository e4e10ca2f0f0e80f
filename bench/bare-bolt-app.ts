/**
 * The baseline for the latency bench: the least a Bolt app can do for `/routine`. HTTPReceiver, ack, then open a
 * one-block modal. Same Bolt version, same transport and the same /healthz route as the bot, nothing else. Run as a
 * child process by the bench (`node --import tsx bench/bare-bolt-app.ts`) with SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, SLACK_API_URL and PORT; logs one JSON line `{"msg":"bare bolt is running","port":N}` on
 * stderr when it serves requests (the same moment the bot logs its "running" line).
 */
import type { ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const env = process.env;
let ready = false;
const receiver = new HTTPReceiver({
  signingSecret: env.SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req: unknown, res: ServerResponse) => {
        res.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: ready }));
      },
    },
  ],
});
const app = new App({
  receiver,
  token: env.SLACK_BOT_TOKEN ?? '',
  logLevel: LogLevel.ERROR,
  ...(env.SLACK_API_URL ? { clientOptions: { slackApiUrl: env.SLACK_API_URL } } : {}),
});

app.command('/routine', async ({ ack, command, client }) => {
  await ack();
  await client.views.open({
    trigger_id: command.trigger_id,
    view: {
      type: 'modal',
      title: { type: 'plain_text', text: 'New routine' },
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello' } }],
    },
  });
});

const server = (await app.start(Number(env.PORT ?? 3000))) as { address(): { port: number } | string | null };
ready = true;
const address = server.address();
process.stderr.write(`${JSON.stringify({ level: 'info', msg: 'bare bolt is running', port: typeof address === 'object' && address ? address.port : null })}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
