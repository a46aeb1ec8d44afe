using System.ComponentModel.DataAnnotations;

namespace Samverkan.Host.Silo;

/// <summary>
/// This node's Orleans silo (<c>Samverkan:Silo</c>). Every node is one process: ASP.NET Core and a silo. Nodes on one
/// database with the same <see cref="ClusterId"/> form a cluster by themselves (ADO.NET membership): no seed list.
/// </summary>
public sealed class SiloOptions
{
    public const string SectionName = "Samverkan:Silo";

    /// <summary>The cluster this node joins: the same for every node of one deployment (one region).</summary>
    [Required]
    public string ClusterId { get; set; } = "samverkan";

    /// <summary>The service's identity in grain state and reminders: never change it for a deployment that has data.</summary>
    [Required]
    public string ServiceId { get; set; } = "samverkan";

    /// <summary>Silo-to-silo port; 0 (the default) takes a free port at start, as membership advertises the real one.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; }

    /// <summary>The gateway port for Orleans clients; 0 takes a free port at start.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }

    /// <summary>
    /// The address other silos reach this one at. Unset: 127.0.0.1 outside Production (nodes on one machine), Orleans'
    /// choice of this machine's addresses in Production (on Kubernetes set it to the pod IP).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Failure detection (measured on our 2-core machines: a killed silo declared dead in 2.6 s, its grains answering on a survivor by 4.8 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    [Range(2, 10)]
    public int NumMissedProbesLimit { get; set; } = 3;

    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
