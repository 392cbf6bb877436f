using System.Text.Json;
using ChoriaDashboard.Ingest.Http;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Http;

/// <summary>
/// Which types <c>POST /api/events</c> takes, and the NATS subject a rejected one is counted under (tally's
/// <c>_process_errors</c> reads its component from it).
/// </summary>
public sealed class HttpEventIngestSubjectTests
{
    [Theory]
    [InlineData("io.choria.lifecycle.v1.alive", true)]
    [InlineData("io.choria.machine.v1.transition", true)]
    [InlineData("io.choria.machine.watcher.nagios.v1.state", true)]
    [InlineData("io.choria.lifecycle.v1.", false)]
    [InlineData("io.choria.sr.v2.age_advisory", false)]
    [InlineData("com.example.order.placed", false)]
    public void IsChoriaType_TypesOfChoriasEventsOnly(string type, bool choria) =>
        Assert.Equal(choria, HttpEventIngest.IsChoriaType(type));

    [Theory]
    [InlineData("io.choria.machine.v1.transition", null, "choria.machine.transition")]
    [InlineData("io.choria.machine.watcher.exec.v1.state", null, "choria.machine.watcher.exec.state")]
    [InlineData("io.choria.lifecycle.v1.alive", """{"component":"server"}""", "choria.lifecycle.event.alive.server")]
    [InlineData("io.choria.lifecycle.v1.alive", """{"component":"a.b"}""", HttpEventIngest.Source)]
    [InlineData("io.choria.lifecycle.v1.alive", """{"identity":"web-1"}""", HttpEventIngest.Source)]
    [InlineData("io.choria.lifecycle.v1.alive", null, HttpEventIngest.Source)]
    public void SubjectOf_ARejectedEvent_IsTheSubjectItWouldHaveComeOn(string type, string? data, string subject)
    {
        using var document = data is null ? null : JsonDocument.Parse(data);

        Assert.Equal(subject, HttpEventIngest.SubjectOf(type, document?.RootElement, maxFieldLength: 255));
    }
}
