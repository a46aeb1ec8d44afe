using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Samverkan.Host.Telemetry;

/// <summary>Our telemetry names, and the host's one ActivitySource and Meter. No personal data in any tag.</summary>
public static class SamverkanTelemetry
{
    /// <summary>The service name reported to OpenTelemetry unless OTEL_SERVICE_NAME says otherwise.</summary>
    public const string ServiceName = "samverkan";

    /// <summary>The host's ActivitySource and Meter name.</summary>
    public const string Name = "Samverkan";

    /// <summary>Every source and meter of our own projects (the actor runtime uses <c>Samverkan.Actors</c>).</summary>
    public const string OwnWildcard = "Samverkan.*";

    /// <summary>ASP.NET Core's built-in ActivitySource (server spans).</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    /// <summary>ASP.NET Core's built-in sources and meters (hosting, Kestrel, routing, diagnostics, …).</summary>
    public const string AspNetCoreWildcard = "Microsoft.AspNetCore.*";

    /// <summary>Npgsql's built-in ActivitySource and Meter.</summary>
    public const string Npgsql = "Npgsql";

    /// <summary>The .NET runtime meter (GC, thread pool, exceptions).</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>HttpClient's built-in ActivitySource and Meter.</summary>
    public const string HttpClient = "System.Net.Http";

    /// <summary>Orleans' meter (Orleans.Core).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' runtime spans (Orleans.Core.Abstractions, <c>ActivitySources.RuntimeActivitySourceName</c>).</summary>
    public const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";

    /// <summary>Orleans' grain call spans (<c>ActivitySources.ApplicationGrainActivitySourceName</c>).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
