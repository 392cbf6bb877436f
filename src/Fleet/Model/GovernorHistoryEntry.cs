namespace ChoriaDashboard.Fleet.Model;

/// <summary>One governor event as received: which governor, what happened to which slot holder, and when.</summary>
/// <param name="ReceivedAt">When the dashboard received it (UTC).</param>
/// <param name="Governor">The governor's name, e.g. <c>PUPPET</c>.</param>
/// <param name="EventType">The <c>event_type</c> exactly as sent: <c>enter</c>, <c>exit</c>, <c>timeouts</c>, <c>eviction</c>, ….</param>
/// <param name="Sequence">The slot (0: none, as with <c>timeouts</c>).</param>
/// <param name="Holder">
/// The event's <c>identity</c>: the slot holder as sent (cut at <c>Ingest:MaxFieldLength</c> characters). For an
/// autonomous agent this is free text such as <c>Auto Agent  app_deploy#deploy @ web-7.example.net</c>; show it as
/// text, never use it as a node's identity.
/// </param>
/// <param name="Component">The sender: <c>CLI</c> or the machine's name.</param>
public sealed record GovernorHistoryEntry(DateTimeOffset ReceivedAt, string Governor, string EventType, ulong Sequence, string Holder, string Component);
