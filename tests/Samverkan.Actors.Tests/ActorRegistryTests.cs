using Samverkan.Actors.TestNode;

namespace Samverkan.Actors.Tests;

/// <summary>The registry's serializer preparation (no database).</summary>
public sealed class ActorRegistryTests
{
    [Fact]
    public void PrepareSerializers_BuildsTheMetadataOfEveryStateAndMessageType_AndOfWhatTheyHold()
    {
        var options = ActorRuntimeOptions.CreateDefaultJsonOptions();
        var registry = new ActorRegistry(TestActors.Actors("test"), options);
        Type[] expected = [typeof(CounterState), typeof(RecorderState), typeof(Add), typeof(Schedule), typeof(Announce), typeof(DateTimeOffset), typeof(long), typeof(string)];
        expected.Where(IsBuilt).ShouldBeEmpty("nothing is built before");

        var prepared = registry.PrepareSerializers();

        expected.Where(type => !IsBuilt(type)).ShouldBeEmpty();
        prepared.ShouldBeGreaterThanOrEqualTo(expected.Length);

        bool IsBuilt(Type type) => options.TryGetTypeInfo(type, out var _);
    }
}
