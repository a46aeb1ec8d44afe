using System.Net;

namespace Samverkan.Host.Hosting;

/// <summary>
/// The reverse proxies (an ingress controller, a load balancer) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed (section <c>Samverkan:Proxy</c>). Nobody by default: the headers are then
/// ignored and the node sees the connection's own address and scheme.
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Samverkan:Proxy";

    /// <summary>Addresses of trusted proxies (<c>10.0.0.5</c>, <c>fd00::5</c>).</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation (<c>10.0.0.0/8</c>): the pod network behind an ingress.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>How many proxies in front of the node are believed, counted from the node (<c>X-Forwarded-For</c> entries read from the right). Default 1.</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Whether any proxy is trusted; otherwise forwarded headers are not read at all.</summary>
    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>What is wrong with the settings, one sentence each.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var proxy in KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                yield return $"Samverkan:Proxy:KnownProxies: '{proxy}' is not an IP address.";
            }
        }

        foreach (var network in KnownNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                yield return $"Samverkan:Proxy:KnownNetworks: '{network}' is not a network in CIDR notation (such as 10.0.0.0/8).";
            }
        }

        if (ForwardLimit < 1)
        {
            yield return "Samverkan:Proxy:ForwardLimit must be at least 1.";
        }
    }
}
