using Samverkan.SchoolSync.Ss12000;

namespace Samverkan.SchoolSync.Tests;

public sealed class Ss12000ClientTests
{
    private static readonly SchoolSyncOptions Options = new() { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(30) };

    [Fact]
    public void Backoff_HonoursRetryAfter_WithinTheBound()
    {
        Ss12000Client.Backoff(1, TimeSpan.FromSeconds(7), Options).ShouldBe(TimeSpan.FromSeconds(7));
        Ss12000Client.Backoff(1, TimeSpan.FromHours(1), Options).ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Backoff_WithoutRetryAfter_DoublesUpToTheBound()
    {
        Enumerable.Range(1, 7).Select(a => Ss12000Client.Backoff(a, null, Options).TotalSeconds).ShouldBe([1, 2, 4, 8, 16, 30, 30]);
    }

    [Fact]
    public void SourceOptions_NeverPrintTheSecret()
    {
        var source = new SchoolSyncSource { Name = "s", ClientSecret = "very-secret", Municipality = "1282" };
        source.ToString().ShouldNotContain("very-secret");
        new Ss12000CivicNo("201201109801", "SE").ToString().ShouldNotContain("2012");
        new Ss12000Person("id", null, new Ss12000CivicNo("201201109801", "SE"), null, null, null, "Alva", "Testsson").ToString().ShouldNotContain("Alva");
    }
}
