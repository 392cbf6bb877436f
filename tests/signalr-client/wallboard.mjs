import * as signalR from "@microsoft/signalr";

// A custom wallboard on the dashboard's live hub: keeps the nodes of the chosen components (all when null) and their
// counts, and calls show({ revision, counts, nodes }) after each whole snapshot or round of changes. url is
// https://<dashboard>/hubs/fleet?access_token=<API key> (a page on the dashboard's own origin may rely on its sign-in).
export async function wallboard(url, components, show) {
  const nodes = new Map();
  const key = (n) => `${n.identity}/${n.component}`;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(url, { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect()
    .build();
  const subscribe = () => connection.stream("Fleet", components).subscribe({
    next: (m) => {
      if (m.kind === "snapshot" && m.part === 1) nodes.clear();
      m.nodes.forEach((n) => nodes.set(key(n), n));
      m.removed.forEach((n) => nodes.delete(key(n)));
      if (m.last) show({ revision: m.revision, counts: m.components, nodes: [...nodes.values()] });
    },
    error: (e) => console.error("fleet stream ended:", e),
    complete: () => {},
  });
  connection.onreconnected(subscribe);
  await connection.start();
  subscribe();
  return connection;
}
