// Posts Choria startup events to the dashboard's POST /api/events with the cloudevents SDK, for the tests.
// Usage: node post.mjs <url of /api/events> <API key> <structured|binary|batch> <identity> [identity...]
// Prints one JSON line: { "status": <HTTP status>, "body": <the answer, parsed> }.
import { CloudEvent, HTTP, Mode, emitterFor } from "cloudevents";

const [url, key, mode, ...identities] = process.argv.slice(2);

// A startup as go-choria's ToCloudEventV1 writes it (docs: choria-events.md 2.3): the CE id is the event's id.
const startup = (identity) => {
  const id = crypto.randomUUID();
  const timestamp = Math.floor(Date.now() / 1000);
  return new CloudEvent({
    specversion: "1.0",
    id,
    source: "io.choria.lifecycle",
    type: "io.choria.lifecycle.v1.startup",
    subject: identity,
    datacontenttype: "application/json",
    time: new Date(timestamp * 1000).toISOString(),
    data: { protocol: "io.choria.lifecycle.v1.startup", id, identity, component: "server", timestamp, version: "0.29.4" },
  });
};

// The emitter's transport: fetch, so the answer's status comes back (the SDK's httpTransport drops it).
const transport = async (message) => {
  const response = await fetch(url, { method: "POST", headers: { ...message.headers, "x-api-key": key }, body: message.body });
  return { status: response.status, body: await response.json() };
};

const events = identities.map(startup);
let answer;
if (mode === "batch") {
  // The SDK has no batch serializer: the batch is the JSON array of the events' structured form.
  answer = await transport({
    headers: { "content-type": "application/cloudevents-batch+json; charset=utf-8" },
    body: `[${events.map((e) => HTTP.structured(e).body).join(",")}]`,
  });
} else {
  const emit = emitterFor(transport, { binding: HTTP, mode: mode === "binary" ? Mode.BINARY : Mode.STRUCTURED });
  answer = await emit(events[0]);
}

console.log(JSON.stringify(answer));
