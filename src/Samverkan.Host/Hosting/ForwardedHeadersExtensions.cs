using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Samverkan.Host.Hosting;

/// <summary>
/// Behind a reverse proxy that terminates TLS, the client's address and scheme come from the proxy's
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, believed only from the proxies in <see cref="ProxyOptions"/>.
/// What depends on them: the rate limit per client address, <c>Request.IsHttps</c> (secure cookies) and the absolute
/// URLs the node builds (the OpenID Connect <c>redirect_uri</c>).
/// </summary>
public static class ForwardedHeadersExtensions
{
    public static IHostApplicationBuilder AddSamverkanForwardedHeaders(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.SectionName)
            .Validate(o => !o.Problems().Any(), "Samverkan:Proxy is invalid: KnownProxies are IP addresses, KnownNetworks CIDR networks, ForwardLimit at least 1.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) => Configure(forwarded, proxy.Value));
        return builder;
    }

    /// <summary>
    /// The forwarded-headers middleware when a proxy is trusted; nothing otherwise (the middleware with an empty list
    /// would believe every sender). After the problem-details middleware, before security (authentication, rate
    /// limits, cookies), so those see the client's address and scheme.
    /// </summary>
    public static IApplicationBuilder UseSamverkanForwardedHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetRequiredService<IOptions<ProxyOptions>>().Value.Enabled ? app.UseForwardedHeaders() : app;
    }

    private static void Configure(ForwardedHeadersOptions forwarded, ProxyOptions proxy)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = proxy.ForwardLimit;

        // Replace the framework's default (loopback trusted) with exactly the configured proxies.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var address in proxy.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(address));
        }

        foreach (var network in proxy.KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }
}
