namespace Samverkan.Domain;
internal static class AssemblyMarker;
