using Federation.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Xunit;

namespace Federation.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public void Telemetry_is_exported_only_when_an_otlp_endpoint_is_configured()
    {
        Assert.Null(Build(endpoint: null).GetService<TracerProvider>());
        Assert.NotNull(Build(endpoint: "http://127.0.0.1:4317").GetService<TracerProvider>());
    }

    private static IServiceProvider Build(string? endpoint)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
        builder.AddFederationTelemetry(["access"]);
        return builder.Build().Services;
    }
}
