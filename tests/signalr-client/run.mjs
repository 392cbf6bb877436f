// Runs the README's wallboard (wallboard.mjs) against a dashboard for the tests: one JSON line per board shown.
// Usage: node run.mjs <hub url with access_token> [component,component...]
import { wallboard } from "./wallboard.mjs";

const [url, components] = process.argv.slice(2);
const filter = components ? components.split(",") : null;
const connection = await wallboard(url, filter, ({ revision, counts, nodes }) => {
  const states = Object.fromEntries(nodes.map((n) => [`${n.identity}/${n.component}`, n.state]));
  console.log(JSON.stringify({ revision, counts, nodes: states }));
});
process.on("SIGTERM", async () => {
  await connection.stop();
  process.exit(0);
});
