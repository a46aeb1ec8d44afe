namespace Samverkan.Coordination;
internal static class AssemblyMarker;
